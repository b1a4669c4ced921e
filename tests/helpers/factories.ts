import { db } from '../../src/lib/server/db';
import { appUser, team, userTeam, type Role } from '../../src/lib/server/db/schema';
import { hashPassword } from '../../src/lib/server/auth/password';
import type { SessionUser } from '../../src/lib/server/auth/session';

export const TEST_PASSWORD = 'correct horse battery';
let hashed: Promise<string> | undefined;
let counter = 0;

export async function createTeamRow(name = `Team ${++counter}`) {
	const [row] = await db().insert(team).values({ name }).returning();
	return row;
}

export async function createUserRow(
	role: Role = 'member',
	options: { teamIds?: number[]; email?: string; name?: string; active?: boolean } = {}
): Promise<SessionUser> {
	hashed ??= hashPassword(TEST_PASSWORD);
	const n = ++counter;
	const [row] = await db()
		.insert(appUser)
		.values({
			email: options.email ?? `user${n}-${role}@test.example`,
			name: options.name ?? `User ${n}`,
			role,
			active: options.active ?? true,
			passwordHash: await hashed
		})
		.returning();
	const teamIds = options.teamIds ?? [];
	if (teamIds.length) await db().insert(userTeam).values(teamIds.map((teamId) => ({ userId: row.id, teamId })));
	return { id: row.id, email: row.email, name: row.name, role: row.role, teamIds };
}
