import { and, asc, eq, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { assignment, response, round, technology } from '#lib/server/db/schema/index.ts';
import { answeredCount, responseOfAssignment } from './responses';
import { intArray, rowsOf } from '#lib/server/db/client.ts';

export const MY_PAGE_SIZE = 10;

/** Pages of a round's unfinished list; a page past the end (work got done) shows the last one. */
export const pagesOf = (r: { total: number; submitted: number }) => Math.max(1, Math.ceil((r.total - r.submitted) / MY_PAGE_SIZE));
export const clampPage = (page: number, r: { total: number; submitted: number }) => Math.min(Math.max(1, page), pagesOf(r));

export type MyRound = {
	roundId: number;
	roundName: string;
	dueDate: string | null;
	total: number;
	submitted: number;
	inProgress: number;
};
export type MyAssessment = {
	roundId: number;
	slug: string;
	technology: string;
	state: 'draft' | 'not started';
	answered: number;
	total: number;
};

// Unfinished work first: drafts already begun, then the untouched ones, by technology name.
const ORDER = sql`case when r.state = 'draft' then 0 else 1 end, t.name`;

/**
 * A person's open rounds with counts, one page of the assessments still to finish in each (page
 * `pageOf(roundId)`), and the one to open next (as `nextAssessment` finds it, whatever page is
 * shown): two statements however many technologies the person is asked about.
 */
export async function myWork(userId: number, pageOf: (roundId: number) => number = () => 1) {
	const rounds = rowsOf<{ round_id: number; name: string; due_date: string | null; total: number; submitted: number; in_progress: number }>(
		await db().execute(sql`
			select rd.id as round_id, rd.name, rd.due_date::text as due_date, count(*)::int as total,
				count(*) filter (where r.state = 'submitted')::int as submitted,
				count(*) filter (where r.state = 'draft')::int as in_progress
			from assignment a
			join round rd on rd.id = a.round_id and rd.state = 'open'
			left join response r on r.round_id = a.round_id and r.technology_id = a.technology_id and r.user_id = a.user_id
			where a.user_id = ${userId}
			group by rd.id
			order by rd.due_date nulls last, rd.name, rd.id`)
	).map((r): MyRound => ({
		roundId: Number(r.round_id),
		roundName: r.name,
		dueDate: r.due_date,
		total: r.total,
		submitted: r.submitted,
		inProgress: r.in_progress
	}));
	if (!rounds.length) return { rounds, assessments: [] as MyAssessment[], next: null };
	const skips = rounds.map((r) => (clampPage(pageOf(r.roundId), r) - 1) * MY_PAGE_SIZE);
	const rows = rowsOf<{
		round_id: number;
		slug: string;
		name: string;
		state: string | null;
		answered: number;
		total: number;
		n: number | string;
		on_page: boolean;
	}>(
		await db().execute(sql`
			with pages(round_id, skip) as (select * from unnest(${intArray(rounds.map((r) => r.roundId))}, ${intArray(skips)})),
			todo as (
				select a.round_id, t.slug, t.name, r.state,
					coalesce((select count(*) from answer x where x.response_id = r.id and (x.score is not null or x.dont_know)), 0)::int as answered,
					(select count(*) from framework_vector fv where fv.framework_version_id = rd.framework_version_id)::int as total,
					row_number() over (partition by a.round_id order by ${ORDER}) as n
				from assignment a
				join round rd on rd.id = a.round_id and rd.state = 'open'
				join technology t on t.id = a.technology_id
				left join response r on r.round_id = a.round_id and r.technology_id = a.technology_id and r.user_id = a.user_id
				where a.user_id = ${userId} and coalesce(r.state, 'draft') <> 'submitted'
			)
			select todo.*, todo.n > p.skip and todo.n <= p.skip + ${MY_PAGE_SIZE} as on_page
			from todo join pages p on p.round_id = todo.round_id
			-- The first of each round rides along off the page: the next one to open is among them.
			where (todo.n > p.skip and todo.n <= p.skip + ${MY_PAGE_SIZE}) or todo.n = 1
			order by todo.round_id, todo.n`)
	);
	// Rounds are in the order of urgency nextAssessment uses; the first with work left leads.
	const firsts = rows.filter((r) => Number(r.n) === 1);
	const lead = rounds.map((r) => firsts.find((f) => Number(f.round_id) === r.roundId)).find((f) => f);
	const next = lead ? { roundId: Number(lead.round_id), slug: lead.slug, technology: lead.name } : null;
	const assessments = rows
		.filter((r) => r.on_page)
		.map((r): MyAssessment => ({
			roundId: Number(r.round_id),
			slug: r.slug,
			technology: r.name,
			state: r.state === 'draft' ? 'draft' : 'not started',
			answered: r.answered,
			total: r.total
		}));
	return { rounds, assessments, next };
}

/** The assessment to open next: unfinished, in the given round if it has one left, else the most urgent round. */
export async function nextAssessment(
	userId: number,
	preferRoundId?: number
): Promise<{ roundId: number; slug: string; technology: string } | null> {
	const [row] = rowsOf<{ round_id: number; slug: string; name: string }>(
		await db().execute(sql`
			select a.round_id, t.slug, t.name
			from assignment a
			join round rd on rd.id = a.round_id and rd.state = 'open'
			join technology t on t.id = a.technology_id
			left join response r on r.round_id = a.round_id and r.technology_id = a.technology_id and r.user_id = a.user_id
			where a.user_id = ${userId} and coalesce(r.state, 'draft') <> 'submitted'
			order by (a.round_id = ${preferRoundId ?? 0}) desc, rd.due_date nulls last, rd.name, rd.id, ${ORDER}
			limit 1`)
	);
	return row ? { roundId: Number(row.round_id), slug: row.slug, technology: row.name } : null;
}

/** Every assessment of a person in open rounds, most urgent first: what the API lists as "my assignments". */
export async function openAssignments(userId: number) {
	const rows = await db()
		.select({
			roundId: round.id,
			roundName: round.name,
			dueDate: round.dueDate,
			slug: technology.slug,
			name: technology.name,
			state: response.state,
			answered: answeredCount
		})
		.from(assignment)
		.innerJoin(round, and(eq(round.id, assignment.roundId), eq(round.state, 'open')))
		.innerJoin(technology, eq(technology.id, assignment.technologyId))
		.leftJoin(response, responseOfAssignment)
		.where(eq(assignment.userId, userId))
		.orderBy(sql`${round.dueDate} nulls last`, asc(round.name), asc(technology.name));
	return rows.map((r) => ({
		round: { id: r.roundId, name: r.roundName, dueDate: r.dueDate },
		technology: { slug: r.slug, name: r.name },
		state: (r.state ?? 'not started') as 'not started' | 'draft' | 'submitted',
		answered: r.state ? r.answered : 0
	}));
}
