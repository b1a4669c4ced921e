import { asc, count, eq, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { intArray, rowsOf, type Tx } from '#lib/server/db/client.ts';
import { initiative, technology, team, userTeam } from '#lib/server/db/schema/index.ts';
import { recordAudit } from './audit';

export async function listTeams() {
	return db()
		.select({
			id: team.id,
			name: team.name,
			members: db().$count(userTeam, eq(userTeam.teamId, team.id)),
			technologies: db().$count(technology, eq(technology.teamId, team.id))
		})
		.from(team)
		.orderBy(asc(team.name));
}

export async function createTeam(actorId: number, name: string) {
	return db().transaction(async (tx) => {
		const [row] = await tx.insert(team).values({ name }).returning();
		await recordAudit(tx, { actorId, action: 'team.create', entity: 'team', entityId: row.id, after: row });
		return row;
	});
}

export async function renameTeam(actorId: number, id: number, name: string) {
	return db().transaction(async (tx) => {
		const [before] = await tx.select().from(team).where(eq(team.id, id));
		if (!before) return null;
		const [after] = await tx.update(team).set({ name }).where(eq(team.id, id)).returning();
		await recordAudit(tx, { actorId, action: 'team.rename', entity: 'team', entityId: id, before, after });
		return after;
	});
}

export type DeleteTeamResult = 'deleted' | 'not-found' | 'owns-technologies' | 'has-initiatives';

/** A team that owns technologies keeps them accountable, so it cannot be deleted until they move. */
export async function deleteTeam(actorId: number, id: number): Promise<DeleteTeamResult> {
	return db().transaction(async (tx) => {
		const [before] = await tx.select().from(team).where(eq(team.id, id)).for('update');
		if (!before) return 'not-found';
		const [{ owned }] = await tx.select({ owned: count() }).from(technology).where(eq(technology.teamId, id));
		if (owned > 0) return 'owns-technologies';
		const [{ goals }] = await tx.select({ goals: count() }).from(initiative).where(eq(initiative.teamId, id));
		if (goals > 0) return 'has-initiatives';
		await tx.delete(team).where(eq(team.id, id));
		await recordAudit(tx, { actorId, action: 'team.delete', entity: 'team', entityId: id, before });
		return 'deleted';
	});
}

/**
 * Puts a person in teams, skipping any that no longer exist (an invitation or a group mapping may
 * name one deleted since) and any they are in already. Returns the teams joined now.
 */
export async function joinTeams(tx: Tx, userId: number, teamIds: number[]): Promise<number[]> {
	if (!teamIds.length) return [];
	const rows = rowsOf<{ teamId: number }>(
		await tx.execute(
			sql`insert into user_team (user_id, team_id) select ${userId}, id from team where id = any(${intArray(teamIds)}) on conflict do nothing returning team_id as "teamId"`
		)
	);
	return rows.map((r) => Number(r.teamId)).sort((a, b) => a - b);
}
