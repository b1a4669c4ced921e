import { getRound } from '#lib/server/queries/rounds.ts';
import { technologyNames } from '#lib/server/queries/technologies.ts';
import { storedResults } from '#lib/server/queries/stored-results.ts';
import { shareableResult, type Reader } from '#lib/domain/anonymity.ts';

/**
 * A round's results as the API gives them: the stored results, each named by its technology's slug,
 * with the vector figures `reader` may see (the same anonymity rule as every page).
 */
export async function roundResultsForApi(roundId: number, reader: Reader) {
	const r = await getRound(roundId);
	if (!r) return null;
	const results = await storedResults(roundId);
	const names = await technologyNames(results.map((x) => x.technologyId));
	const byId = new Map(names.map((t) => [t.id, t]));
	const items = results
		.map((stored) => shareableResult(stored, reader))
		.map((x) => ({
			technology: byId.get(x.technologyId)?.slug ?? '',
			name: byId.get(x.technologyId)?.name ?? '',
			rating: x.rating?.rating ?? null,
			level: x.rating?.level ?? null,
			coverage: x.rating?.coverage ?? null,
			assigned: x.assigned,
			submitted: x.submitted,
			vectors: x.vectors,
			withheld: x.withheld
		}))
		.sort((a, b) => a.technology.localeCompare(b.technology));
	return { round: { id: r.id, name: r.name, state: r.state }, provisional: r.state !== 'closed', items };
}
