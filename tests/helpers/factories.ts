import { randomUUID } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import { db } from '../../src/lib/server/db';
import { perDatabase } from '../../src/lib/server/db/prepared';
import {
	answer,
	appUser,
	assignment,
	frameworkVersion,
	response,
	round,
	roundTechnology,
	team,
	technology,
	userTeam,
	type Role
} from '../../src/lib/server/db/schema';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { slugify } from '../../src/lib/domain/catalog';
import { hashPassword } from '../../src/lib/server/auth/password';
import { hashToken, type SessionUser } from '../../src/lib/server/auth/session';

export const TEST_PASSWORD = 'correct horse battery';
let hashed: Promise<string> | undefined;
/** Numbers names per database, as each file had them when it ran alone: a name's order must not depend on the files before. */
const counter = perDatabase(() => ({ n: 0 }));
const next = () => ++counter().n;

export async function createTeamRow(name = `Team ${next()}`) {
	const [row] = await db().insert(team).values({ name }).returning();
	return row;
}

export async function createUserRow(
	role: Role = 'member',
	options: { teamIds?: number[]; email?: string; name?: string; active?: boolean } = {}
): Promise<SessionUser> {
	hashed ??= hashPassword(TEST_PASSWORD);
	const n = next();
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
	if (teamIds.length)
		await db()
			.insert(userTeam)
			.values(teamIds.map((teamId) => ({ userId: row.id, teamId })));
	return { id: row.id, email: row.email, name: row.name, role: row.role };
}

/** A working unsubscribe token for a person, as every person had before migration 0013 (only its hash is stored). */
export async function unsubscribeTokenRow(userId: number) {
	const token = randomUUID();
	await db()
		.update(appUser)
		.set({ unsubscribeTokenHash: hashToken(token) })
		.where(eq(appUser.id, userId));
	return token;
}

export async function createTechnologyRow(name: string, teamId: number | null = null, targetLevel = 3) {
	const [row] = await db()
		.insert(technology)
		.values({ slug: slugify(name), name, category: 'testing', teamId, targetLevel })
		.returning();
	return row;
}

/** A round in the given state with the technologies in scope and the people asked to score them. */
export async function createRoundRow(
	state: 'draft' | 'open' | 'closed',
	scope: { technologyId: number; userIds: number[] }[],
	name = `Round ${next()}`
) {
	const [fw] = await db().select({ id: frameworkVersion.id }).from(frameworkVersion).orderBy(desc(frameworkVersion.version)).limit(1);
	const [r] = await db().insert(round).values({ name, state, frameworkVersionId: fw.id }).returning();
	for (const s of scope) {
		await db().insert(roundTechnology).values({ roundId: r.id, technologyId: s.technologyId });
		if (s.userIds.length)
			await db()
				.insert(assignment)
				.values(s.userIds.map((userId) => ({ roundId: r.id, technologyId: s.technologyId, userId })));
	}
	return r;
}

/** A submitted response with every vector of the built-in framework scored by `score`. */
export async function submitResponseRow(roundId: number, technologyId: number, userId: number, score: (vectorKey: string) => number) {
	const [resp] = await db().insert(response).values({ roundId, technologyId, userId, state: 'submitted' }).returning();
	await db()
		.insert(answer)
		.values(AGILE_OPERATIONS_V1.vectors.map((v) => ({ responseId: resp.id, vectorKey: v.key, score: score(v.key) })));
	return resp;
}

/** The framework editor's whole form for the built-in version, every weight 1, with `change` on top. */
export function frameworkEditorForm(change: Record<string, string> = {}) {
	const form: Record<string, string> = { name: 'Agile Operations', note: 'Edited in a test.' };
	AGILE_OPERATIONS_V1.levels.forEach((l, i) => (form[`levels.${i}`] = l));
	for (const v of AGILE_OPERATIONS_V1.vectors) {
		Object.assign(form, {
			[`v.${v.key}.name`]: v.name,
			[`v.${v.key}.description`]: v.description,
			[`v.${v.key}.lane`]: v.lane,
			[`v.${v.key}.weight`]: '1'
		});
		v.anchors.forEach((a, i) => (form[`v.${v.key}.anchor.${i}`] = a));
	}
	return { ...form, ...change };
}
