/** How submitted answers become numbers: per-vector statistics and the technology's rating. */

export const DISAGREEMENT_SPREAD = 2;

export type VectorAggregate = {
	median: number | null;
	n: number;
	dontKnow: number;
	min: number | null;
	max: number | null;
	/** The spread is wide enough that respondents should talk before trusting the median. */
	disagreement: boolean;
	/** Present once respondents agreed a level in a calibration session: `median` is that level, this the median it replaced. */
	calibratedFrom?: number | null;
};

export function median(values: number[]): number | null {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Statistics of one vector over submitted answers; "don't know" (null) is counted apart. */
export function aggregateVector(answers: (number | null)[]): VectorAggregate {
	const scores = answers.filter((s): s is number => s !== null);
	const min = scores.length ? Math.min(...scores) : null;
	const max = scores.length ? Math.max(...scores) : null;
	return {
		median: median(scores),
		n: scores.length,
		dontKnow: answers.length - scores.length,
		min,
		max,
		disagreement: min !== null && max !== null && max - min >= DISAGREEMENT_SPREAD
	};
}

/** Half-up rounding to one decimal that is not fooled by binary fractions (2.45 → 2.5). */
export function roundRating(value: number): number {
	return Math.round(value * 10 + 1e-9) / 10;
}

export type Rating = {
	rating: number;
	level: number;
	coverage: number;
	vectorsWithData: number;
	vectors: number;
	/** The critical vector that held the level below its rating, if one did. */
	cappedBy?: string;
};

/** One technology's results in one round: what the results SQL computes and `round_result` stores. */
export type TechnologyResult = {
	roundId: number;
	technologyId: number;
	rating: Rating | null;
	assigned: number;
	submitted: number;
	vectors: Record<string, VectorAggregate>;
};

type WithMedians = { vectors: Record<string, Pick<VectorAggregate, 'median'>> } | null | undefined;

/** Each vector's median by key, as heatmaps and comparisons read them; no result, no medians. */
export function vectorMedians(result: WithMedians): Record<string, number | null> {
	return Object.fromEntries(Object.entries(result?.vectors ?? {}).map(([key, a]) => [key, a.median]));
}

/** The medians in the given vector order (a radar series, a row of columns); null where a vector has no data. */
export function medianSeries(vectors: readonly { key: string }[], result: WithMedians): (number | null)[] {
	return vectors.map((v) => result?.vectors[v.key]?.median ?? null);
}

/**
 * Weighted mean of the medians that have data, one decimal; level is its floor. A technology
 * with no data has no rating (null), which is different from a rating of 0.
 */
/** A rating's level: the whole step it has reached (3.9 is level 3). */
export const levelOf = (rating: number) => Math.floor(rating);

/**
 * The cap critical vectors put on a level: the lowest `floor(median + margin)` among them (ties go
 * to the first key in order), so a 0 in Recoverability cannot sit inside a level-4 technology.
 */
export function criticalCap(vectors: { key: string; median: number | null; critical?: boolean }[], margin: number) {
	let cap: { level: number; key: string } | null = null;
	for (const v of vectors)
		if (v.critical && v.median !== null) {
			const level = Math.floor(v.median + margin);
			if (!cap || level < cap.level || (level === cap.level && v.key < cap.key)) cap = { level, key: v.key };
		}
	return cap;
}

/** The level a rating reaches, held down by a critical vector's cap when that is lower. */
export function cappedLevel(rating: number, cap: { level: number; key: string } | null) {
	const level = levelOf(rating);
	return cap && cap.level < level ? { level: Math.max(0, cap.level), cappedBy: cap.key } : { level };
}

export function rateTechnology(
	vectors: { key?: string; median: number | null; weight: number; critical?: boolean }[],
	margin = 1
): Rating | null {
	const withData = vectors.filter((v) => v.median !== null);
	if (withData.length === 0) return null;
	const weight = withData.reduce((sum, v) => sum + v.weight, 0);
	const rating = roundRating(withData.reduce((sum, v) => sum + v.median! * v.weight, 0) / weight);
	const cap = criticalCap(
		vectors.map((v) => ({ ...v, key: v.key ?? '' })),
		margin
	);
	return {
		rating,
		...cappedLevel(rating, cap),
		coverage: withData.length / vectors.length,
		vectorsWithData: withData.length,
		vectors: vectors.length
	};
}
