import { sql, type SQL } from 'drizzle-orm';
import { roundResult } from '#lib/server/db/schema/index.ts';
import { db } from '#lib/server/db/index.ts';
import { intArray, rowsOf, type Database } from '#lib/server/db/client.ts';
import { cappedLevel, DISAGREEMENT_SPREAD, type TechnologyResult } from '#lib/domain/aggregate.ts';

export type { TechnologyResult };

type Row = {
	round_id: number;
	technology_id: number;
	vector_key: string | null;
	median: number | string | null;
	n: number | null;
	dont_know: number | null;
	lo: number | null;
	hi: number | null;
	calibrated: boolean | null;
	calibrated_from: number | string | null;
	rating: string | null;
	with_data: number | null;
	cap: number | null;
	capped_by: string | null;
	vector_count: number;
	assigned: number | null;
	submitted: number | null;
};

export type ResultScope = { roundId?: number; technologyId?: number; roundIds?: number[]; technologyIds?: number[] };

/**
 * Results for every (round, technology) pair in scope, computed by PostgreSQL in one statement:
 * per-vector median/count/min/max over submitted answers, and the weighted rating per technology
 * with the weights of each round's own framework version. The rules match `#lib/domain/aggregate`
 * (a parity test holds them together).
 */
export async function computeResults(scope: ResultScope, q: Pick<Database, 'execute'> = db()): Promise<TechnologyResult[]> {
	const result = await q.execute(resultsQuery(scope));
	return toResults(rowsOf<Row>(result));
}

/** The score at 0-based position `k` of the sorted scores, read off the cumulative counts. */
const scoreAt = (k: SQL) =>
	sql`(case when c.le0 > ${k} then 0 when c.le1 > ${k} then 1 when c.le2 > ${k} then 2 when c.le3 > ${k} then 3 when c.le4 > ${k} then 4 else 5 end)`;

/** The statement behind `computeResults`, exported so the benchmark can time it bare. */
export function resultsQuery(scope: ResultScope): SQL {
	const conditions: SQL[] = [];
	if (scope.roundId !== undefined) conditions.push(sql`rt.round_id = ${scope.roundId}`);
	if (scope.roundIds !== undefined) conditions.push(sql`rt.round_id = any(${intArray(scope.roundIds)})`);
	if (scope.technologyId !== undefined) conditions.push(sql`rt.technology_id = ${scope.technologyId}`);
	if (scope.technologyIds !== undefined) conditions.push(sql`rt.technology_id = any(${intArray(scope.technologyIds)})`);
	const where = conditions.length ? sql.join(conditions, sql` and `) : sql`true`;
	return sql`
		with scope as (
			select rt.round_id, rt.technology_id, r.framework_version_id
			from round_technology rt join round r on r.id = rt.round_id
			where ${where}
		),
		-- Scores are whole numbers 0–5, so the median comes from cumulative counts per score: a
		-- single hash aggregate instead of a sort per group (percentile_cont was 3× slower at
		-- 300k answers). Weights are attached after grouping, which keeps the planner on hash joins.
		counted as (
			select s.round_id, s.technology_id, s.framework_version_id, a.vector_key,
				count(a.score)::int as n,
				count(*) filter (where a.score <= 0)::int as le0,
				count(*) filter (where a.score <= 1)::int as le1,
				count(*) filter (where a.score <= 2)::int as le2,
				count(*) filter (where a.score <= 3)::int as le3,
				count(*) filter (where a.score <= 4)::int as le4,
				count(*) filter (where a.dont_know)::int as dont_know,
				min(a.score)::int as lo,
				max(a.score)::int as hi
			from scope s
			join response resp on resp.round_id = s.round_id and resp.technology_id = s.technology_id and resp.state = 'submitted'
			-- Only people still asked to answer count: a respondent removed from the round keeps their answers, uncounted.
			join assignment asg on asg.round_id = resp.round_id and asg.technology_id = resp.technology_id and asg.user_id = resp.user_id
			join answer a on a.response_id = resp.id
			where a.score is not null or a.dont_know
			group by s.round_id, s.technology_id, s.framework_version_id, a.vector_key
		),
		answered as (
			select c.round_id, c.technology_id, c.vector_key, c.n, c.dont_know, c.lo, c.hi, fv.weight, fv.critical, fver.critical_margin,
				case when c.n = 0 then null else (${scoreAt(sql`(c.n - 1) / 2`)} + ${scoreAt(sql`c.n / 2`)}) / 2.0 end as median
			from counted c join framework_vector fv on fv.framework_version_id = c.framework_version_id and fv.key = c.vector_key
			join framework_version fver on fver.id = c.framework_version_id
		),
		-- A level agreed in calibration replaces the median (domain/calibration.ts calibrate); the median stays as calibrated_from.
		agg as (
			select a.round_id, a.technology_id, a.vector_key, a.n, a.dont_know, a.lo, a.hi, a.weight, a.critical, a.critical_margin,
				coalesce(cv.level::numeric, a.median) as median, a.median as calibrated_from, cv.level is not null as calibrated
			from answered a
			left join calibrated_vector cv on cv.round_id = a.round_id and cv.technology_id = a.technology_id and cv.vector_key = a.vector_key
		),
		rating as (
			select round_id, technology_id,
				round(sum(median::numeric * weight::numeric) / sum(weight::numeric), 1) as rating,
				count(*)::int as with_data,
				-- The critical cap (domain/aggregate.ts criticalCap): the lowest floor(median + margin), ties to the first key.
				(array_agg(floor(median + critical_margin)::int order by floor(median + critical_margin), vector_key collate "C")
					filter (where critical))[1] as cap,
				(array_agg(vector_key order by floor(median + critical_margin), vector_key collate "C") filter (where critical))[1] as capped_by
			from agg where median is not null
			group by round_id, technology_id
		),
		people as (
			select s.round_id, s.technology_id, count(asg.user_id)::int as assigned,
				count(resp.id) filter (where resp.state = 'submitted')::int as submitted
			from scope s
			join assignment asg on asg.round_id = s.round_id and asg.technology_id = s.technology_id
			left join response resp on resp.round_id = asg.round_id and resp.technology_id = asg.technology_id and resp.user_id = asg.user_id
			group by s.round_id, s.technology_id
		),
		vector_count as (
			select framework_version_id, count(*)::int as vector_count from framework_vector
			where framework_version_id in (select framework_version_id from scope) group by framework_version_id
		)
		select s.round_id, s.technology_id, agg.vector_key, agg.median, agg.n, agg.dont_know, agg.lo, agg.hi,
			agg.calibrated, agg.calibrated_from,
			rating.rating, rating.with_data, rating.cap, rating.capped_by, vc.vector_count, people.assigned, people.submitted
		from scope s
		join vector_count vc on vc.framework_version_id = s.framework_version_id
		left join agg on agg.round_id = s.round_id and agg.technology_id = s.technology_id
		left join rating on rating.round_id = s.round_id and rating.technology_id = s.technology_id
		left join people on people.round_id = s.round_id and people.technology_id = s.technology_id
		order by s.round_id, s.technology_id
	`;
}

function toResults(rows: Row[]): TechnologyResult[] {
	const byPair = new Map<string, TechnologyResult>();
	for (const row of rows) {
		const key = `${row.round_id}|${row.technology_id}`;
		let entry = byPair.get(key);
		if (!entry) {
			const rating = row.rating === null ? null : Number(row.rating);
			entry = {
				roundId: Number(row.round_id),
				technologyId: Number(row.technology_id),
				rating:
					rating === null
						? null
						: {
								rating,
								...cappedLevel(rating, row.cap === null ? null : { level: Number(row.cap), key: row.capped_by! }),
								coverage: Number(row.with_data) / Number(row.vector_count),
								vectorsWithData: Number(row.with_data),
								vectors: Number(row.vector_count)
							},
				assigned: Number(row.assigned ?? 0),
				submitted: Number(row.submitted ?? 0),
				vectors: {}
			};
			byPair.set(key, entry);
		}
		if (row.vector_key) {
			const lo = row.lo === null ? null : Number(row.lo);
			const hi = row.hi === null ? null : Number(row.hi);
			entry.vectors[row.vector_key] = {
				median: row.median === null ? null : Number(row.median),
				n: Number(row.n),
				dontKnow: Number(row.dont_know),
				min: lo,
				max: hi,
				disagreement: lo !== null && hi !== null && hi - lo >= DISAGREEMENT_SPREAD,
				...(row.calibrated ? { calibratedFrom: row.calibrated_from === null ? null : Number(row.calibrated_from) } : {})
			};
		}
	}
	return [...byPair.values()];
}

/** Comments and evidence from submitted answers, for one technology in one round. */
export async function technologyComments(roundId: number, technologyId: number) {
	const rows = await db().execute(sql`
		select a.vector_key, a.comment, a.evidence_url, u.name
		from response r join answer a on a.response_id = r.id join app_user u on u.id = r.user_id
			join assignment asg on asg.round_id = r.round_id and asg.technology_id = r.technology_id and asg.user_id = r.user_id
		where r.round_id = ${roundId} and r.technology_id = ${technologyId} and r.state = 'submitted'
			and (a.comment <> '' or a.evidence_url <> '')
		-- By what was said, not by who: shown without names, the order must not give the author away.
		order by a.vector_key, a.comment, a.evidence_url`);
	return rowsOf<{ vector_key: string; comment: string; evidence_url: string; name: string }>(rows).map((r) => ({
		vectorKey: r.vector_key,
		comment: r.comment,
		evidenceUrl: r.evidence_url,
		name: r.name
	}));
}

/** Medians per respondent team for one technology in one round (a person in two teams counts for both). */
export async function teamMedians(roundId: number, technologyId: number) {
	const rows = await db().execute(sql`
		select t.id as team_id, t.name as team_name, a.vector_key,
			percentile_cont(0.5) within group (order by a.score) as median,
			count(distinct r.user_id)::int as respondents
		from response r
		join assignment asg on asg.round_id = r.round_id and asg.technology_id = r.technology_id and asg.user_id = r.user_id
		join answer a on a.response_id = r.id
		join user_team ut on ut.user_id = r.user_id
		join team t on t.id = ut.team_id
		where r.round_id = ${roundId} and r.technology_id = ${technologyId} and r.state = 'submitted'
			and (a.score is not null or a.dont_know)
		group by t.id, t.name, a.vector_key
		order by t.name`);
	const teams = new Map<number, { teamId: number; name: string; respondents: number; medians: Record<string, number | null> }>();
	for (const row of rowsOf<{ team_id: number; team_name: string; vector_key: string; median: number | string | null; respondents: number }>(
		rows
	)) {
		const entry = teams.get(Number(row.team_id)) ?? { teamId: Number(row.team_id), name: row.team_name, respondents: 0, medians: {} };
		entry.medians[row.vector_key] = row.median === null ? null : Number(row.median);
		entry.respondents = Math.max(entry.respondents, Number(row.respondents));
		teams.set(entry.teamId, entry);
	}
	return [...teams.values()];
}

/** Recomputes and stores the results of the pairs in scope (see `roundResult`), inside the caller's transaction. */
export async function refreshResults(tx: Pick<Database, 'execute' | 'insert'>, scope: ResultScope) {
	const results = await computeResults(scope, tx);
	for (let i = 0; i < results.length; i += 500) {
		await tx
			.insert(roundResult)
			.values(
				results.slice(i, i + 500).map((r) => ({ roundId: r.roundId, technologyId: r.technologyId, result: r, updatedAt: new Date() }))
			)
			.onConflictDoUpdate({
				target: [roundResult.roundId, roundResult.technologyId],
				set: { result: sql`excluded.result`, updatedAt: sql`excluded.updated_at` }
			});
	}
	return results;
}
