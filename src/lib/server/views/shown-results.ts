import { ratingSource, type RatingSource, type SourceRound } from '#lib/domain/rating-source.ts';
import { type TechnologyResult } from '../queries/results';
import { latestClosedResults, storedResults } from '../queries/stored-results';
import { getAnonymity } from '../queries/settings';
import { shareableResult, type Withheld } from '#lib/domain/anonymity.ts';

export type ShownResult = TechnologyResult & { source: RatingSource; withheld: Withheld | null };

/**
 * The results a portfolio view (heatmap, tech radar, compare) shows, each marked with its source.
 * With a round picked: that round's. Without: each technology's latest closed rating, and `before`
 * holds the closed rating each had before that one. A few statements, whatever the number of technologies.
 * Vector figures are as a reader may see them: `seesNames` for one who may see who answered what.
 */
export async function shownResults(
	picked: SourceRound | undefined,
	technologyIds?: number[],
	seesNames = false
): Promise<{ shown: Map<number, ShownResult>; before: Map<number, Pick<TechnologyResult, 'rating'>> | null }> {
	const now = new Date();
	const [{ threshold }, results] = await Promise.all([
		getAnonymity(),
		picked
			? storedResults(picked.id, technologyIds).then((list) => ({ latest: list.map((r) => ({ ...r, round: picked })), previous: null }))
			: latestClosedResults(technologyIds).then(({ latest, previous }) => ({ latest: [...latest.values()], previous }))
	]);
	const shown = new Map<number, ShownResult>();
	for (const { round, ...result } of results.latest)
		shown.set(result.technologyId, {
			...shareableResult(result, { seesNames, threshold }),
			source: ratingSource(round, result.submitted, threshold, now)
		});
	return { shown, before: results.previous };
}
