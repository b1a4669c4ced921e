import { and, asc, eq, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { intArray, rowsOf } from '#lib/server/db/client.ts';
import { roundTechnology, team, technology } from '#lib/server/db/schema/index.ts';
import { mayTellApart } from '#lib/domain/anonymity.ts';
import { ANONYMITY_KEY, anonymityThreshold } from './settings';

/** The technologies a round scored (optionally one team's), by name, with their owning team. */
export function roundTechnologies(roundId: number, teamId?: number) {
	return db()
		.select({
			id: technology.id,
			slug: technology.slug,
			name: technology.name,
			category: technology.category,
			targetLevel: technology.targetLevel,
			teamId: technology.teamId,
			teamName: team.name
		})
		.from(roundTechnology)
		.innerJoin(technology, eq(technology.id, roundTechnology.technologyId))
		.leftJoin(team, eq(team.id, technology.teamId))
		.where(and(eq(roundTechnology.roundId, roundId), teamId ? eq(technology.teamId, teamId) : undefined))
		.orderBy(asc(technology.name));
}

export async function teamName(teamId: number): Promise<string | null> {
	const [row] = await db().select({ name: team.name }).from(team).where(eq(team.id, teamId));
	return row?.name ?? null;
}

type ScoreRow = {
	technology: string;
	slug: string;
	vector_key: string;
	respondent: string;
	score: number | null;
	dont_know: boolean;
	comment: string;
	evidence_url: string;
	/** Null where a submitted row lacks its time (older rows, restores). */
	submitted_at: Date | string | null;
	/** Submitted, counted responses for the technology: what the anonymity threshold is measured against. */
	answered: number;
	anonymity: unknown;
};

/**
 * Submitted answers, with comments and evidence links where the reader may tell respondents apart:
 * those who may see names always, anyone else only for technologies that enough people answered
 * (the anonymity threshold, read in the same statement).
 */
async function scoresOf(roundId: number, technologyIds: number[], seesNames: boolean, commentedOnly = false) {
	if (!technologyIds.length) return [];
	const result = await db().execute(sql`
		with counted as (
			select r.id, r.technology_id, r.user_id, r.submitted_at, count(*) over (partition by r.technology_id)::int as answered
			from response r
			join assignment asg on asg.round_id = r.round_id and asg.technology_id = r.technology_id and asg.user_id = r.user_id
			where r.round_id = ${roundId} and r.state = 'submitted' and r.technology_id = any(${intArray(technologyIds)})
		)
		select t.name as technology, t.slug, a.vector_key, u.name as respondent,
			a.score, a.dont_know, a.comment, a.evidence_url, r.submitted_at, r.answered,
			(select value from setting where key = ${ANONYMITY_KEY}) as anonymity
		from counted r
		join answer a on a.response_id = r.id
		join technology t on t.id = r.technology_id
		join app_user u on u.id = r.user_id
		where (a.score is not null or a.dont_know)
			${commentedOnly ? sql`and (a.comment <> '' or a.evidence_url <> '')` : sql``}
		order by t.name, a.vector_key, ${commentedOnly ? sql`a.comment, a.evidence_url` : sql`u.id`}`);
	const rows = rowsOf<ScoreRow>(result);
	const reader = { seesNames, threshold: anonymityThreshold(rows[0]?.anonymity) };
	// A response's fifteen answers share its submission time: each is written out once.
	const times = new Map<string, string>();
	const isoOf = (at: Date | string | null) =>
		at === null ? null : at instanceof Date ? at.toISOString() : (times.get(at) ?? times.set(at, new Date(at).toISOString()).get(at)!);
	const scores = rows.map((r) => {
		const said = mayTellApart(Number(r.answered), reader);
		return {
			technology: r.technology,
			slug: r.slug,
			vector: r.vector_key,
			respondent: r.respondent,
			score: r.score === null ? null : Number(r.score),
			dontKnow: !!r.dont_know,
			comment: said ? r.comment : '',
			evidence: said ? r.evidence_url : '',
			submittedAt: isoOf(r.submitted_at)
		};
	});
	return commentedOnly ? scores.filter((s) => s.comment || s.evidence) : scores;
}

export type Score = Awaited<ReturnType<typeof scoresOf>>[number];

/**
 * Every submitted answer of a round in long format, with respondent names: the data files are
 * for those who may download data, and the policy lets them see who answered what. `seesNames`
 * still decides the comments, so the files follow the same rule as the pages.
 */
export async function roundScores(roundId: number, technologyIds: number[], seesNames: boolean): Promise<Score[]> {
	return scoresOf(roundId, technologyIds, seesNames);
}

/**
 * Only the answers that carry a comment or an evidence link: what the PDF quotes. Those who may
 * see respondents read names and scores; anyone else (the PDF is for every role) reads what was
 * said without who said it or the score beside it, so no answer can be traced.
 */
export async function roundComments(roundId: number, technologyIds: number[], withRespondents: boolean): Promise<Score[]> {
	const rows = await scoresOf(roundId, technologyIds, withRespondents, true);
	return withRespondents ? rows : rows.map((r) => ({ ...r, respondent: '', score: null, dontKnow: false }));
}

/**
 * The same rows in batches of technologies, fetching the next batch while the caller writes the
 * current one: a large export overlaps database and file work and never holds every answer at once.
 */
export async function* roundScoreBatches(
	roundId: number,
	technologyIds: number[],
	seesNames: boolean,
	batch = 100
): AsyncGenerator<Score[]> {
	const batches: number[][] = [];
	for (let i = 0; i < technologyIds.length; i += batch) batches.push(technologyIds.slice(i, i + batch));
	let next = batches.length ? scoresOf(roundId, batches[0], seesNames) : null;
	for (let i = 0; next; i++) {
		const current = await next;
		next = i + 1 < batches.length ? scoresOf(roundId, batches[i + 1], seesNames) : null;
		yield current;
	}
}
