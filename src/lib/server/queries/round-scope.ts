import { and, asc, eq, inArray, ne, notInArray, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { intArray, rowsOf, type Tx } from '#lib/server/db/client.ts';
import { appUser, assignment, response, roundResult, roundTechnology, team, technology } from '#lib/server/db/schema/index.ts';
import { SCORING_ROLES } from '#lib/server/auth/policy.ts';
import { publish } from '#lib/server/db/notify.ts';
import { recordAudit } from './audit';
import { calibrationTopic } from './calibration';
import { refreshResults } from './results';
import { answeredCount, responseOfAssignment } from './responses';
import { lockRound } from './rounds';

// A round's scope: which technologies it covers and who is asked to score each.

/**
 * Whole groups a lead adds at once ("every technology of team SRE"): chosen by the database at
 * the moment of adding, so a group is what it is then, not what a page showed earlier. Retired
 * technologies are left out, as they are from the list of technologies to pick from.
 */
export type ScopeGroups = { all?: boolean; teamId?: number; category?: string };

function inGroups(groups: ScopeGroups) {
	const chosen = [
		groups.all ? sql`true` : undefined,
		groups.teamId !== undefined ? sql`t.team_id = ${groups.teamId}` : undefined,
		groups.category !== undefined ? sql`t.category = ${groups.category}` : undefined
	].filter((c) => c !== undefined);
	return chosen.length ? sql`(t.lifecycle <> 'retired' and (${sql.join(chosen, sql` or `)}))` : sql`false`;
}

/**
 * Adds technologies to a draft or open round, each with its owning team's active people who may
 * score as respondents: two set-based inserts whatever the number of technologies.
 */
export async function addTechnologies(actorId: number, roundId: number, technologyIds: number[], groups: ScopeGroups = {}) {
	return db().transaction(async (tx) => {
		const allowed = await lockRound(tx, roundId, ['draft', 'open']);
		if (allowed !== 'ok') return allowed;
		const added = rowsOf<{ technology_id: number }>(
			await tx.execute(sql`
				with added as (
					insert into round_technology (round_id, technology_id)
					select ${roundId}, t.id from technology t where t.id = any(${intArray(technologyIds)}) or ${inGroups(groups)}
					on conflict do nothing
					returning technology_id
				), asked as (
					insert into assignment (round_id, technology_id, user_id)
					select ${roundId}, a.technology_id, ut.user_id
					from added a
					join technology t on t.id = a.technology_id
					join user_team ut on ut.team_id = t.team_id
					join app_user u on u.id = ut.user_id and u.active and u.role = any(${sql.param(SCORING_ROLES)}::text[])
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
			after: { technologyIds: added, ...groups }
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
		if (!person || !person.active || !SCORING_ROLES.includes(person.role)) return 'not-assignable' as const;
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
		// Who takes part in its calibration changed: pages follow, and the removed people's streams end (event-stream.ts).
		await publish(tx, calibrationTopic(roundId, technologyId), 'respondents');
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

/** What can still be added, with the team and category the page offers to select them by. */
export async function technologiesOutsideRound(roundId: number) {
	const inScope = db().select({ id: roundTechnology.technologyId }).from(roundTechnology).where(eq(roundTechnology.roundId, roundId));
	return db()
		.select({ id: technology.id, name: technology.name, category: technology.category, teamId: technology.teamId, teamName: team.name })
		.from(technology)
		.leftJoin(team, eq(team.id, technology.teamId))
		.where(and(notInArray(technology.id, inScope), ne(technology.lifecycle, 'retired')))
		.orderBy(asc(technology.name));
}

export async function assignablePeople() {
	return db()
		.select({ id: appUser.id, name: appUser.name })
		.from(appUser)
		.where(and(eq(appUser.active, true), inArray(appUser.role, SCORING_ROLES)))
		.orderBy(asc(appUser.name));
}

/**
 * Someone who joins (an accepted invitation, a first single sign-on) is asked to score, in every
 * draft or open round, the technologies their teams own, as they would have been had they been
 * there when the technologies were added. Returns how many assessments they were given.
 */
export async function askNewcomer(tx: Tx, userId: number): Promise<number> {
	const rows = await tx.execute(sql`
		insert into assignment (round_id, technology_id, user_id)
		select rt.round_id, rt.technology_id, u.id
		from app_user u
		join user_team ut on ut.user_id = u.id
		join technology t on t.team_id = ut.team_id
		join round_technology rt on rt.technology_id = t.id
		join round r on r.id = rt.round_id and r.state in ('draft', 'open')
		where u.id = ${userId} and u.active and u.role = any(${sql.param(SCORING_ROLES)}::text[])
		on conflict do nothing
		returning round_id`);
	return rowsOf(rows).length;
}
