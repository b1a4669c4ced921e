import type { VectorAggregate } from './aggregate';

/**
 * Calibration: when respondents disagree on a vector, they re-vote in a live session and agree a
 * level, which replaces the median of that vector (the original statistics stay beside it).
 */

export type Phase = 'voting' | 'revealed' | 'ended';

/** The vector statistics with an agreed level in place of the median, remembering the median it replaced. */
export function calibrate(aggregate: VectorAggregate, agreed: number | undefined): VectorAggregate {
	return agreed === undefined ? aggregate : { ...aggregate, median: agreed, calibratedFrom: aggregate.median };
}

/** The vectors a session walks through: those flagged for disagreement, in the order given (lane order). */
export function vectorsToCalibrate(order: readonly string[], vectors: Record<string, Pick<VectorAggregate, 'disagreement'>>): string[] {
	return order.filter((key) => vectors[key]?.disagreement);
}

/** How many votes went to each level 0–5: what the group sees, never who voted what. */
export function distribution(scores: number[]): number[] {
	const counts = [0, 0, 0, 0, 0, 0];
	for (const s of scores) counts[s]++;
	return counts;
}

export const isLevel = (n: number) => Number.isInteger(n) && n >= 0 && n <= 5;

/** Where a step leads: after the last vector the session ends. */
export function advance(position: number, vectorCount: number): { position: number; phase: Phase } {
	const next = position + 1;
	return next >= vectorCount ? { position: vectorCount, phase: 'ended' } : { position: next, phase: 'voting' };
}

/**
 * How many re-votes a reveal needs: everyone when fewer took part than the anonymity threshold,
 * else at least the threshold (and never fewer than two), so a revealed count cannot be read as one person's vote.
 */
export const votesToReveal = (participants: number, threshold: number) => Math.min(participants, Math.max(2, threshold));

/**
 * The level to suggest once re-votes are revealed: the one most people voted for. On a tie the
 * lower level is suggested, because a vector only counts as having reached a level once the group
 * agrees it has; `tied` lists the levels that drew, so the page can say so. Null without votes.
 */
export function suggestedLevel(votes: number[]): { level: number; tied: number[] } | null {
	const most = Math.max(0, ...votes);
	if (most === 0) return null;
	const tied = votes.flatMap((n, level) => (n === most ? [level] : []));
	return { level: tied[0], tied: tied.length > 1 ? tied : [] };
}
