import { and, asc, desc, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { intArray, rowsOf, UNIQUE_VIOLATION, type Tx } from '$lib/server/db/client';
import {
	appUser,
	assignment,
	frameworkVersion,
	response,
	round,
	roundResult,
	roundTechnology,
	team,
	technology,
	type RoundState
} from '$lib/server/db/schema';
import { recordAudit } from './audit';
import { refreshResults } from './results';
import { answeredCount, responseOfAssignment } from './responses';

/** Scope and progress of each round, as correlated counts that ride along with a round query. */
const roundCounts = {
	technologies: sql<number>`(select count(*) from ${roundTechnology} where ${roundTechnology.roundId} = ${round.id})`.mapWith(Number),
	assigned: sql<number>`(select count(*) from ${assignment} where ${assignment.roundId} = ${round.id})`.mapWith(Number),
	submitted:
		sql<number>`(select count(*) from ${response} where ${response.roundId} = ${round.id} and ${response.state} = 'submitted' and exists (select 1 from ${assignment} a where a.round_id = ${response.roundId} and a.technology_id = ${response.technologyId} and a.user_id = ${response.userId}))`.mapWith(
			Number
		),
	rated:
		sql<number>`(select count(*) from ${roundResult} where ${roundResult.roundId} = ${round.id} and ${roundResult.result}->'rating' <> 'null'::jsonb)`.mapWith(
			Number
		)
};

export async function listRounds() {
	return db()
		.select({
			id: round.id,
			name: round.name,
			state: round.state,
			dueDate: round.dueDate,
			frameworkVersionId: round.frameworkVersionId,
			frameworkVersion: frameworkVersion.version,
			...roundCounts
		})
		.from(round)
		.innerJoin(frameworkVersion, eq(frameworkVersion.id, round.frameworkVersionId))
		.orderBy(desc(round.createdAt), desc(round.id));
}

const roundColumns = {
	id: round.id,
	name: round.name,
	state: round.state,
	dueDate: round.dueDate,
	openedAt: round.openedAt,
	closedAt: round.closedAt,
	frameworkVersionId: round.frameworkVersionId,
	frameworkVersion: frameworkVersion.version
};

export async function getRound(id: number) {
	const [row] = await db()
		.select(roundColumns)
		.from(round)
		.innerJoin(frameworkVersion, eq(frameworkVersion.id, round.frameworkVersionId))
		.where(eq(round.id, id));
	return row;
}

/** A round with its scope and progress counts, for the pages that show them. */
export async function getRoundWithProgress(id: number) {
	const [row] = await db()
		.select({ ...roundColumns, ...roundCounts })
		.from(round)
		.innerJoin(frameworkVersion, eq(frameworkVersion.id, round.frameworkVersionId))
		.where(eq(round.id, id));
	return row;
}

/** Round names are unique: creating or renaming onto a taken one is refused on the name field. */
export const ROUND_NAME_TAKEN: Record<string, [string, string]> = {
	[UNIQUE_VIOLATION]: ['name', 'A round with this name already exists.']
};

/** A new round pins the newest framework version, so later edits never change its meaning. */
export async function createRound(actorId: number, input: { name: string; dueDate: string | null }) {
	return db().transaction(async (tx) => {
		const [latest] = await tx.select({ id: frameworkVersion.id }).from(frameworkVersion).orderBy(desc(frameworkVersion.version)).limit(1);
		const [row] = await tx
			.insert(round)
			.values({ ...input, frameworkVersionId: latest.id, createdBy: actorId })
			.returning();
		await recordAudit(tx, { actorId, action: 'round.create', entity: 'round', entityId: row.id, after: row });
		return row;
	});
}

export type RoundChange = 'ok' | 'not-found' | 'closed' | 'not-draft';

/** Locks the round for a structural change and reports whether its state allows it. */
async function lockRound(tx: Tx, roundId: number, allowed: RoundState[]): Promise<RoundChange> {
	const [row] = await tx.select({ state: round.state }).from(round).where(eq(round.id, roundId)).for('update');
	if (!row) return 'not-found';
	if (allowed.includes(row.state)) return 'ok';
	return row.state === 'closed' ? 'closed' : 'not-draft';
}

export async function updateRound(actorId: number, roundId: number, input: { name: string; dueDate: string | null }) {
	return db().transaction(async (tx) => {
		const allowed = await lockRound(tx, roundId, ['draft', 'open']);
		if (allowed !== 'ok') return allowed;
		const [before] = await tx.select({ name: round.name, dueDate: round.dueDate }).from(round).where(eq(round.id, roundId));
		await tx.update(round).set(input).where(eq(round.id, roundId));
		await recordAudit(tx, { actorId, action: 'round.update', entity: 'round', entityId: roundId, before, after: input });
		return 'ok';
	});
}

/**
 * Adds technologies to a draft or open round, each with its owning team's active, non-viewer
 * people as respondents: two set-based inserts whatever the number of technologies.
 */
export async function addTechnologies(actorId: number, roundId: number, technologyIds: number[]) {
	return db().transaction(async (tx) => {
		const allowed = await lockRound(tx, roundId, ['draft', 'open']);
		if (allowed !== 'ok') return allowed;
		const added = rowsOf<{ technology_id: number }>(
			await tx.execute(sql`
				with added as (
					insert into round_technology (round_id, technology_id)
					select ${roundId}, t.id from technology t where t.id = any(${intArray(technologyIds)})
					on conflict do nothing
					returning technology_id
				), asked as (
					insert into assignment (round_id, technology_id, user_id)
					select ${roundId}, a.technology_id, ut.user_id
					from added a
					join technology t on t.id = a.technology_id
					join user_team ut on ut.team_id = t.team_id
					join app_user u on u.id = ut.user_id and u.active and u.role <> 'viewer'
					on conflict do nothing
				)
				select technology_id from added`)
		).map((r) => Number(r.technology_id));
		if (added.length) await refreshResults(tx, { roundId, technologyIds: added });
		await recordAudit(tx, {
			actorId,
			action: 'round.add-technologies',
			entity: 'round',
			entityId: roundId,
			after: { technologyIds: added }
		});
		return 'ok';
	});
}

/** Scope shrinks only while drafting: once open, someone may already be scoring. */
export async function removeTechnology(actorId: number, roundId: number, technologyId: number) {
	return db().transaction(async (tx) => {
		const allowed = await lockRound(tx, roundId, ['draft']);
		if (allowed !== 'ok') return allowed;
		await tx.delete(roundTechnology).where(and(eq(roundTechnology.roundId, roundId), eq(roundTechnology.technologyId, technologyId)));
		await tx.delete(roundResult).where(and(eq(roundResult.roundId, roundId), eq(roundResult.technologyId, technologyId)));
		await recordAudit(tx, { actorId, action: 'round.remove-technology', entity: 'round', entityId: roundId, before: { technologyId } });
		return 'ok';
	});
}

export async function addRespondent(actorId: number, roundId: number, technologyId: number, userId: number) {
	return db().transaction(async (tx) => {
		const allowed = await lockRound(tx, roundId, ['draft', 'open']);
		if (allowed !== 'ok') return allowed;
		const [person] = await tx.select({ role: appUser.role, active: appUser.active }).from(appUser).where(eq(appUser.id, userId));
		if (!person || !person.active || person.role === 'viewer') return 'not-assignable' as const;
		const [scope] = await tx
			.select()
			.from(roundTechnology)
			.where(and(eq(roundTechnology.roundId, roundId), eq(roundTechnology.technologyId, technologyId)));
		if (!scope) return 'not-found';
		await tx.insert(assignment).values({ roundId, technologyId, userId }).onConflictDoNothing();
		await refreshResults(tx, { roundId, technologyId });
		await recordAudit(tx, { actorId, action: 'round.add-respondent', entity: 'round', entityId: roundId, after: { technologyId, userId } });
		return 'ok';
	});
}

/** Removes people from one technology of a draft or open round (someone left, or was asked by mistake). */
export async function removeRespondents(actorId: number, roundId: number, technologyId: number, userIds: number[]) {
	return db().transaction(async (tx) => {
		const allowed = await lockRound(tx, roundId, ['draft', 'open']);
		if (allowed !== 'ok') return allowed;
		// The person's response stays (re-adding them brings it back) but no longer counts: results
		// only read responses of people still assigned.
		const removed = await tx
			.delete(assignment)
			.where(and(eq(assignment.roundId, roundId), eq(assignment.technologyId, technologyId), inArray(assignment.userId, userIds)))
			.returning({ userId: assignment.userId });
		if (!removed.length) return 'not-found';
		await refreshResults(tx, { roundId, technologyId });
		await recordAudit(tx, {
			actorId,
			action: 'round.remove-respondent',
			entity: 'round',
			entityId: roundId,
			before: { technologyId, userIds: removed.map((r) => r.userId) }
		});
		return 'ok';
	});
}

export type RespondentStatus = { userId: number; name: string; state: 'not started' | 'draft' | 'submitted'; answered: number };

export const SCOPE_PAGE_SIZE = 50;
export type ScopeQuery = { page: number; search?: string; waiting?: boolean };

/**
 * One page of a round's technologies with their respondents and progress, in two queries: a round
 * of 1,000 technologies × 20 people stays a page a browser shows at once.
 */
export async function roundScope(roundId: number, query: ScopeQuery = { page: 1 }) {
	const pending = sql`exists (select 1 from ${assignment} a left join ${response} r on r.round_id = a.round_id and r.technology_id = a.technology_id and r.user_id = a.user_id
		where a.round_id = ${roundId} and a.technology_id = ${technology.id} and coalesce(r.state, 'draft') <> 'submitted')`;
	const where = and(
		eq(roundTechnology.roundId, roundId),
		query.search ? sql`${technology.name} ilike ${`%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}` : undefined,
		query.waiting ? pending : undefined
	);
	const [{ matching }] = await db()
		.select({ matching: sql<number>`count(*)`.mapWith(Number) })
		.from(roundTechnology)
		.innerJoin(technology, eq(technology.id, roundTechnology.technologyId))
		.where(where);
	// A page past the end (a stale link after a filter) shows the last page rather than nothing.
	const page = Math.min(query.page, Math.max(1, Math.ceil(matching / SCOPE_PAGE_SIZE)));
	const techs = await db()
		.select({ id: technology.id, slug: technology.slug, name: technology.name, teamName: team.name })
		.from(roundTechnology)
		.innerJoin(technology, eq(technology.id, roundTechnology.technologyId))
		.leftJoin(team, eq(team.id, technology.teamId))
		.where(where)
		.orderBy(asc(technology.name))
		.limit(SCOPE_PAGE_SIZE)
		.offset((page - 1) * SCOPE_PAGE_SIZE);
	const people = techs.length
		? await db()
				.select({
					technologyId: assignment.technologyId,
					userId: appUser.id,
					name: appUser.name,
					state: response.state,
					answered: answeredCount
				})
				.from(assignment)
				.innerJoin(appUser, eq(appUser.id, assignment.userId))
				.leftJoin(response, responseOfAssignment)
				.where(
					and(
						eq(assignment.roundId, roundId),
						inArray(
							assignment.technologyId,
							techs.map((t) => t.id)
						)
					)
				)
				.orderBy(asc(appUser.name))
		: [];
	return {
		matching,
		page,
		technologies: techs.map((t) => {
			const respondents: RespondentStatus[] = people
				.filter((p) => p.technologyId === t.id)
				.map((p) => ({ userId: p.userId, name: p.name, state: p.state ?? 'not started', answered: p.answered }));
			return { ...t, respondents, submitted: respondents.filter((r) => r.state === 'submitted').length };
		})
	};
}

export async function technologiesOutsideRound(roundId: number) {
	const inScope = db().select({ id: roundTechnology.technologyId }).from(roundTechnology).where(eq(roundTechnology.roundId, roundId));
	return db()
		.select({ id: technology.id, name: technology.name })
		.from(technology)
		.where(and(notInArray(technology.id, inScope), ne(technology.lifecycle, 'retired')))
		.orderBy(asc(technology.name));
}

export async function assignablePeople() {
	return db()
		.select({ id: appUser.id, name: appUser.name })
		.from(appUser)
		.where(and(eq(appUser.active, true), ne(appUser.role, 'viewer')))
		.orderBy(asc(appUser.name));
}

/** The rounds a technology took part in, newest first, with how many answered. */
export async function technologyRounds(technologyId: number) {
	return db()
		.select({
			id: round.id,
			name: round.name,
			state: round.state,
			frameworkVersionId: round.frameworkVersionId,
			assigned:
				sql<number>`(select count(*) from ${assignment} where ${assignment.roundId} = ${round.id} and ${assignment.technologyId} = ${technologyId})`.mapWith(
					Number
				),
			submitted:
				sql<number>`(select count(*) from ${response} join ${assignment} a on a.round_id = ${response.roundId} and a.technology_id = ${response.technologyId} and a.user_id = ${response.userId} where ${response.roundId} = ${round.id} and ${response.technologyId} = ${technologyId} and ${response.state} = 'submitted')`.mapWith(
					Number
				)
		})
		.from(roundTechnology)
		.innerJoin(round, eq(round.id, roundTechnology.roundId))
		.where(eq(roundTechnology.technologyId, technologyId))
		.orderBy(desc(round.createdAt), desc(round.id));
}
