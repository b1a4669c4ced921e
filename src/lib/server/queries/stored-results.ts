import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { roundResult } from '#lib/server/db/schema/index.ts';
import { db } from '#lib/server/db/index.ts';
import { intArray, rowsOf } from '#lib/server/db/client.ts';
import type { TechnologyResult } from '#lib/domain/aggregate.ts';
import { ANONYMITY_KEY, anonymityThreshold } from './settings';

// Results as stored when answers change (results.ts computes them): a round's, the closed round before, and each technology's latest.

/** The stored results of a round (all of its technologies, or some): one indexed read. */
export async function storedResults(roundId: number, technologyIds?: number[]): Promise<TechnologyResult[]> {
	const rows = await db()
		.select({ result: roundResult.result })
		.from(roundResult)
		.where(
			and(
				eq(roundResult.roundId, roundId),
				technologyIds ? inArray(roundResult.technologyId, technologyIds.length ? technologyIds : [-1]) : undefined
			)
		);
	return rows.map((r) => r.result);
}

/**
 * Each technology's result in its own latest earlier closed round that rated it: the baseline for
 * movement, so a technology skipped by the round just before is compared with the one before that.
 */
export async function previousResults(
	roundId: number,
	technologyIds?: number[]
): Promise<Map<number, TechnologyResult & { roundName: string }>> {
	const rows = await db().execute(sql`
		select distinct on (rr.technology_id) rr.result, r.name
		from round_result rr
		join round r on r.id = rr.round_id
		join round this on this.id = ${roundId}
		where r.state = 'closed' and rr.result->'rating' <> 'null'::jsonb
			and (r.created_at, r.id) < (this.created_at, this.id)
			${technologyIds ? sql`and rr.technology_id = any(${intArray(technologyIds)})` : sql``}
		order by rr.technology_id, r.created_at desc, r.id desc`);
	return new Map(
		rowsOf<{ result: TechnologyResult; name: string }>(rows).map((r) => [r.result.technologyId, { ...r.result, roundName: r.name }])
	);
}

export type ClosedSource = { id: number; name: string; state: 'closed'; closedAt: string | null };
export type LatestResult = TechnologyResult & { round: ClosedSource };
type RankedRow = { technology_id: number; round_id: number; name: string; closed_at: string | Date | null; rank: number };

/**
 * Each technology's closed ratings, newest first, `depth` deep (1: its latest; 2: also the one
 * before), with `columns` read off the stored result. One statement: the window ranks the small
 * columns only, so the stored results are read just for the rows kept. "Newest" orders rounds as
 * every round list does (created, then id), so this picks what `chooseResultsRound` picks for one
 * technology (a parity test holds them together).
 */
function latestClosedQuery(depth: 1 | 2, columns: SQL, technologyIds?: number[]): SQL {
	return sql`
		with ranked as (
			select rr.technology_id, rr.round_id, r.name, r.closed_at,
				row_number() over (partition by rr.technology_id order by r.created_at desc, r.id desc)::int as rank
			from round_result rr join round r on r.id = rr.round_id
			where r.state = 'closed' and rr.result->'rating' <> 'null'::jsonb
				${technologyIds ? sql`and rr.technology_id = any(${intArray(technologyIds)})` : sql``}
		)
		select k.technology_id, k.round_id, k.name, k.closed_at, k.rank, ${columns}
		from ranked k join round_result rr on rr.round_id = k.round_id and rr.technology_id = k.technology_id
		where k.rank <= ${depth}`;
}

const sourceOf = (row: RankedRow): ClosedSource => ({
	id: Number(row.round_id),
	name: row.name,
	state: 'closed',
	closedAt: row.closed_at === null ? null : new Date(row.closed_at).toISOString()
});

/**
 * What portfolio views show by default: each technology's result from the newest closed round that
 * rated it (`latest`), and the rating from the closed round that rated it before that (`previous`,
 * the baseline for movement; its vectors are not read, which halves what a large estate transfers).
 */
export async function latestClosedResults(technologyIds?: number[]) {
	const rows = rowsOf<RankedRow & { result: TechnologyResult }>(
		await db().execute(
			latestClosedQuery(
				2,
				sql`case when k.rank = 1 then rr.result else jsonb_build_object('rating', rr.result->'rating') end as result`,
				technologyIds
			)
		)
	);
	const latest = new Map<number, LatestResult>();
	const previous = new Map<number, Pick<TechnologyResult, 'rating'>>();
	for (const row of rows) {
		if (row.rank === 1) latest.set(Number(row.technology_id), { ...row.result, round: sourceOf(row) });
		else previous.set(Number(row.technology_id), { rating: row.result.rating });
	}
	return { latest, previous };
}

/**
 * The same latest ratings, without vectors: enough for the dashboard's summary of a large estate.
 * The anonymity threshold rides along (read once by the planner), saving the hot page a statement.
 */
export async function latestClosedRatings() {
	const rows = rowsOf<RankedRow & { rating: number | string; level: number; submitted: number; anonymity: unknown }>(
		await db().execute(
			latestClosedQuery(
				1,
				sql`(rr.result->'rating'->>'rating')::numeric as rating, (rr.result->'rating'->>'level')::int as level,
					(rr.result->>'submitted')::int as submitted, (select value from setting where key = ${ANONYMITY_KEY}) as anonymity`
			)
		)
	);
	return {
		threshold: anonymityThreshold(rows[0]?.anonymity),
		ratings: rows.map((row) => ({
			technologyId: Number(row.technology_id),
			rating: Number(row.rating),
			level: Number(row.level),
			submitted: Number(row.submitted),
			round: sourceOf(row)
		}))
	};
}
