/**
 * Where a rating comes from. Portfolio views show each technology's latest closed rating, so the
 * ratings on one page can come from different rounds: each says which round and how long ago, so
 * a two-year-old figure is not read as this quarter's. A rating that rests on fewer people than the
 * anonymity threshold says that too: it is one or two opinions, not a team's view.
 */
import { enoughAnswered } from './anonymity';
import { plural } from './format';

export type SourceRound = { id: number; name: string; state: 'draft' | 'open' | 'closed'; closedAt: string | Date | null };

export type RatingSource = {
	roundId: number;
	roundName: string;
	/** "2026 Q3 · 4 months ago", or "2026 Q4 · still open". */
	label: string;
	respondents: number;
	/** When its round closed (ISO), from which the rating ages; null while open. */
	closedAt: string | null;
	/** "from 1 respondent, below the anonymity threshold of 3"; null when enough people (or nobody) answered. */
	thin: string | null;
};

const DAY_MS = 86_400_000;

/** Whole calendar months from `from` to `to` (UTC), not counting a month not yet complete. */
function monthsBetween(from: Date, to: Date): number {
	const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
	return to.getUTCDate() < from.getUTCDate() ? months - 1 : months;
}

/** How long ago a round closed, as people say it: "today", "5 days ago", "3 weeks ago", "4 months ago", "2 years ago". */
export function ratingAge(closedAt: string | Date, now: Date): string {
	const then = new Date(closedAt);
	const days = Math.floor((now.getTime() - then.getTime()) / DAY_MS);
	// A clock a little behind the database's is not "in the future".
	if (days < 1) return 'today';
	if (days < 14) return `${plural(days, 'day')} ago`;
	const months = monthsBetween(then, now);
	if (months < 2) return `${plural(Math.floor(days / 7), 'week')} ago`;
	if (months < 12) return `${plural(months, 'month')} ago`;
	return `${plural(Math.floor(months / 12), 'year')} ago`;
}

/** What a rating from `round`, answered by `respondents` people, says about its source. */
export function ratingSource(round: SourceRound, respondents: number, threshold: number, now: Date): RatingSource {
	const when = round.state !== 'closed' ? 'still open' : round.closedAt ? ratingAge(round.closedAt, now) : 'closed';
	return {
		roundId: round.id,
		roundName: round.name,
		label: `${round.name} · ${when}`,
		respondents,
		closedAt: round.state === 'closed' && round.closedAt ? new Date(round.closedAt).toISOString() : null,
		// Nobody answered: there is no rating to qualify.
		thin:
			respondents === 0 || enoughAnswered(respondents, threshold)
				? null
				: `from ${plural(respondents, 'respondent')}, below the anonymity threshold of ${threshold}`
	};
}

/** The rounds a set of ratings comes from, with how many each: newest round first (the order of `newestFirst` ids). */
export function sourceRounds(sources: RatingSource[], newestFirst: number[]) {
	const counts = new Map<number, { roundId: number; label: string; technologies: number }>();
	for (const s of sources) {
		const entry = counts.get(s.roundId) ?? { roundId: s.roundId, label: s.label, technologies: 0 };
		entry.technologies++;
		counts.set(s.roundId, entry);
	}
	const rank = (id: number) => {
		const at = newestFirst.indexOf(id);
		return at < 0 ? Infinity : at;
	};
	return [...counts.values()].sort((a, b) => rank(a.roundId) - rank(b.roundId) || a.roundId - b.roundId);
}
