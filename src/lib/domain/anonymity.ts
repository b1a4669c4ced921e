/**
 * The anonymity threshold: what individuals said (comments, evidence links) and figures that could
 * single one out (a vector's median, range and spread, a team's medians) are shown only once enough
 * people answered. Below it, a reader who knows who was asked could tell who said what, and small
 * teams would stop being candid. Those who may see names (`Reader.seesNames`) are not held back:
 * they can open each person's answers anyway.
 */
import type { Rating, VectorAggregate } from './aggregate';
import { plural } from './format';

export const DEFAULT_ANONYMITY_THRESHOLD = 3;
/** 1 turns the threshold off; above 20 almost no team could ever be broken down. */
export const ANONYMITY_THRESHOLD_RANGE = { min: 1, max: 20 } as const;

export type AnonymitySetting = { threshold: number };
export const DEFAULT_ANONYMITY: AnonymitySetting = { threshold: DEFAULT_ANONYMITY_THRESHOLD };

export const isAnonymitySetting = (value: unknown): value is AnonymitySetting => {
	const threshold = (value as Partial<AnonymitySetting> | null)?.threshold;
	return (
		typeof threshold === 'number' &&
		Number.isInteger(threshold) &&
		threshold >= ANONYMITY_THRESHOLD_RANGE.min &&
		threshold <= ANONYMITY_THRESHOLD_RANGE.max
	);
};

/** Whether what `answered` people said may be shown. */
export const enoughAnswered = (answered: number, threshold: number) => answered >= threshold;

/** Splits groups (teams) into those that may be shown and how many were held back. */
export function groupsToShow<G extends { respondents: number }>(groups: G[], threshold: number): { shown: G[]; withheld: number } {
	const shown = groups.filter((g) => enoughAnswered(g.respondents, threshold));
	return { shown, withheld: groups.length - shown.length };
}

/** Who is reading, as far as anonymity goes: whether they may see names, and the threshold in force. */
export type Reader = { seesNames: boolean; threshold: number };

/** Whether `reader` may read what single people said or scored, for a technology `answered` people answered. */
export const mayTellApart = (answered: number, reader: Reader) => reader.seesNames || enoughAnswered(answered, reader.threshold);

/** What a page says in place of the figures it holds back. */
export type Withheld = { answered: number; threshold: number };

/** The sentence every page and file prints where vector figures are held back: what, and why. */
export const withheldNote = ({ answered, threshold }: Withheld) =>
	`Vector figures (medians, ranges, disagreement) are held back: the rating comes from ${plural(answered, 'respondent')}, ` +
	`below the anonymity threshold of ${threshold}, and with so few any figure per vector could single one out.`;

/**
 * The sentence said where backlog items (or an initiative's per-vector progress) are held back. An
 * item is planned from one vector's median (its current level, gap, priority and "reach level N"
 * action; a calibrate item says the answers disagree), so below the threshold it is one person's
 * score in other words: those who may not see names get none of the items of such a rating.
 */
export const backlogWithheldNote = (items: number, threshold: number) =>
	`Backlog items are held back: ${plural(items, 'item')} ${items === 1 ? 'comes' : 'come'} from ratings by fewer than ${threshold} respondents, ` +
	`and each is read off one vector's scores.`;

/**
 * One vector's figures as `reader` may see them, for a technology `answered` people answered; null
 * when none may be shown. Below the threshold nothing per vector is shared with those who may not
 * see names: not the range (one answer: min = max = the score; two: both scores), not the
 * disagreement flag read off it, not the counts (who said "don't know"), and not the median either:
 * with one answer it is that answer, and with two each respondent reads the other's off it
 * (2 × median − their own). Keeping medians from three answers on would set a second number beside
 * the admin's threshold, which already decides when a team's medians show; one number is one rule.
 */
export function shareableVector(aggregate: VectorAggregate, answered: number, reader: Reader): VectorAggregate | null {
	return mayTellApart(answered, reader) ? aggregate : null;
}

type ResultLike = { submitted: number; rating: Rating | null; vectors: Record<string, VectorAggregate> };

/**
 * A technology's result as `reader` may see it. Below the threshold it keeps the technology's
 * rating, level and coverage (a weighted mean over the vectors, said to rest on N respondents) but
 * no vector figures, nor the critical vector that capped the level (naming it says where the score
 * was low); `withheld` says so, so that an empty table is not read as "no data".
 *
 * Known and accepted: a level below ⌊rating⌋ still tells that some critical vector was scored low,
 * without saying which. With one respondent and a framework of few critical vectors that narrows it
 * down; the level is the headline figure every page shows, and hiding it would hide the rating too.
 */
export function shareableResult<R extends ResultLike>(result: R, reader: Reader): R & { withheld: Withheld | null } {
	const answered = result.submitted;
	if (answered === 0 || mayTellApart(answered, reader)) return { ...result, withheld: null };
	const uncapped = (rating: Rating): Rating => {
		const { cappedBy: _cappedBy, ...rest } = rating;
		return rest;
	};
	return {
		...result,
		rating: result.rating && uncapped(result.rating),
		vectors: {},
		withheld: { answered, threshold: reader.threshold }
	};
}
