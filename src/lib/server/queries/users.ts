import { and, asc, count, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { LOCK } from '#lib/server/db/locks.js';
import type { Tx } from '#lib/server/db/client.ts';
import { apiToken, appUser, invitation, team, userTeam, type Role } from '#lib/server/db/schema/index.ts';
import { generateToken, hashToken, invalidateUserSessions } from '#lib/server/auth/session.ts';
import { recordAudit } from './audit';
import { forgetDemoAccounts } from './demo-data';
import { recordInvitationMail } from './mail-occasions';
import { askNewcomer } from './round-scope';
import { joinTeams } from './teams';
import { sendMail } from '#lib/server/jobs/mail-jobs.ts';
import { publicOrigin } from '#lib/server/mail/config.ts';

const INVITATION_MS = 7 * 24 * 60 * 60 * 1000;

export async function countUsers(): Promise<number> {
	const [row] = await db().select({ n: count() }).from(appUser);
	return row.n;
}

export async function createFirstAdmin(input: { email: string; name: string; passwordHash: string }) {
	return db().transaction(async (tx) => {
		await tx.execute(sql`select pg_advisory_xact_lock(${LOCK.setup})`);
		const [{ n }] = await tx.select({ n: count() }).from(appUser);
		if (n > 0) return null;
		const [user] = await tx
			.insert(appUser)
			.values({ ...input, role: 'admin' })
			.returning({ id: appUser.id, email: appUser.email, role: appUser.role });
		await recordAudit(tx, { actorId: user.id, action: 'setup.admin', entity: 'user', entityId: user.id, after: user });
		return user;
	});
}

export async function findUserForLogin(email: string) {
	const [row] = await db()
		.select({ id: appUser.id, passwordHash: appUser.passwordHash, active: appUser.active, role: appUser.role })
		.from(appUser)
		.where(eq(appUser.email, email));
	return row;
}

export async function findPasswordHash(userId: number) {
	const [row] = await db().select({ passwordHash: appUser.passwordHash }).from(appUser).where(eq(appUser.id, userId));
	return row?.passwordHash;
}

export async function listUsers() {
	const users = await db()
		.select({
			id: appUser.id,
			email: appUser.email,
			name: appUser.name,
			role: appUser.role,
			active: appUser.active,
			teamIds: sql<number[]>`coalesce(array_agg(${userTeam.teamId}) filter (where ${userTeam.teamId} is not null), '{}')`
		})
		.from(appUser)
		.leftJoin(userTeam, eq(userTeam.userId, appUser.id))
		.groupBy(appUser.id)
		.orderBy(asc(appUser.name));
	return users;
}

export async function listPendingInvitations() {
	return db()
		.select({
			id: invitation.id,
			email: invitation.email,
			role: invitation.role,
			expiresAt: invitation.expiresAt
		})
		.from(invitation)
		.where(and(isNull(invitation.usedAt), gt(invitation.expiresAt, new Date())))
		.orderBy(asc(invitation.expiresAt));
}

/**
 * Returns the raw token exactly once; only its hash is stored. The invitation email, with the
 * link, is recorded in the same transaction and sent once it commits.
 */
export async function createInvitation(actorId: number, input: { email: string; role: Role; teamIds: number[] }) {
	const token = generateToken();
	const mail = await db().transaction(async (tx) => {
		const expiresAt = new Date(Date.now() + INVITATION_MS);
		const [row] = await tx
			.insert(invitation)
			.values({ tokenHash: hashToken(token), email: input.email, role: input.role, teamIds: input.teamIds, createdBy: actorId, expiresAt })
			.returning({ id: invitation.id, email: invitation.email, role: invitation.role, teamIds: invitation.teamIds });
		await recordAudit(tx, { actorId, action: 'invitation.create', entity: 'invitation', entityId: row.id, after: row });
		const [inviter] = await tx.select({ name: appUser.name }).from(appUser).where(eq(appUser.id, actorId));
		return recordInvitationMail(tx, {
			...row,
			inviter: inviter?.name ?? 'An administrator',
			link: `${publicOrigin()}/invite/${token}`,
			expiresAt
		});
	});
	await sendMail(mail);
	return token;
}

/** The invitation behind a token, if it is neither used nor expired. */
const usableInvitation = (token: string) =>
	and(eq(invitation.tokenHash, hashToken(token)), isNull(invitation.usedAt), gt(invitation.expiresAt, new Date()));

export async function findOpenInvitation(token: string) {
	const [row] = await db()
		.select({ id: invitation.id, email: invitation.email, role: invitation.role, teamIds: invitation.teamIds })
		.from(invitation)
		.where(usableInvitation(token));
	return row;
}

export type AcceptResult = { ok: true; userId: number } | { ok: false; reason: 'invalid' | 'email-taken' };

export async function acceptInvitation(token: string, input: { name: string; passwordHash: string }): Promise<AcceptResult> {
	return db().transaction(async (tx) => {
		// The row lock makes the link single-use even when the form is submitted twice at once.
		const [inv] = await tx.select().from(invitation).where(usableInvitation(token)).for('update');
		if (!inv) return { ok: false, reason: 'invalid' };
		const [taken] = await tx.select({ id: appUser.id }).from(appUser).where(eq(appUser.email, inv.email));
		if (taken) return { ok: false, reason: 'email-taken' };
		await tx.update(invitation).set({ usedAt: new Date() }).where(eq(invitation.id, inv.id));
		const [user] = await tx
			.insert(appUser)
			.values({ email: inv.email, name: input.name, passwordHash: input.passwordHash, role: inv.role })
			.returning({ id: appUser.id, email: appUser.email, role: appUser.role });
		const teamIds = await joinTeams(tx, user.id, inv.teamIds);
		const assessments = await askNewcomer(tx, user.id);
		await recordAudit(tx, {
			actorId: user.id,
			action: 'invitation.accept',
			entity: 'user',
			entityId: user.id,
			after: { ...user, teamIds, assessments }
		});
		return { ok: true, userId: user.id };
	});
}

async function existingTeamIds(tx: Tx, ids: number[]) {
	if (!ids.length) return [];
	const rows = await tx.select({ id: team.id }).from(team).where(inArray(team.id, ids));
	return rows.map((r) => r.id);
}

export type UpdateUserResult = 'updated' | 'not-found' | 'last-admin' | 'confirm-deactivation';

/** Changes role, teams and active flag together; refuses anything that would leave no active admin. */
export async function updateUser(
	actorId: number,
	userId: number,
	input: { role: Role; teamIds: number[]; active: boolean; confirmed?: boolean }
): Promise<UpdateUserResult> {
	const result = await db().transaction(async (tx): Promise<UpdateUserResult> => {
		const [before] = await tx
			.select({ role: appUser.role, active: appUser.active })
			.from(appUser)
			.where(eq(appUser.id, userId))
			.for('update');
		if (!before) return 'not-found';
		// Deactivating signs the person out everywhere: it takes a second, explicit yes.
		if (before.active && !input.active && !input.confirmed) return 'confirm-deactivation';
		const losesAdmin = before.role === 'admin' && before.active && (input.role !== 'admin' || !input.active);
		if (losesAdmin) {
			await tx.execute(sql`select pg_advisory_xact_lock(${LOCK.setup})`);
			const [{ n }] = await tx
				.select({ n: count() })
				.from(appUser)
				.where(and(eq(appUser.role, 'admin'), eq(appUser.active, true)));
			if (n <= 1) return 'last-admin';
		}
		const beforeTeams = (await tx.select({ teamId: userTeam.teamId }).from(userTeam).where(eq(userTeam.userId, userId))).map(
			(r) => r.teamId
		);
		// A role an administrator saves is theirs: leaving a single sign-on group no longer takes it away.
		await tx.update(appUser).set({ role: input.role, roleFromGroups: false, active: input.active }).where(eq(appUser.id, userId));
		const teamIds = await existingTeamIds(tx, input.teamIds);
		await tx.delete(userTeam).where(eq(userTeam.userId, userId));
		if (teamIds.length) await tx.insert(userTeam).values(teamIds.map((teamId) => ({ userId, teamId })));
		// A deactivated user is signed out everywhere at once.
		if (!input.active) await invalidateUserSessions(userId, tx);
		await recordAudit(tx, {
			actorId,
			action: 'user.update',
			entity: 'user',
			entityId: userId,
			before: { ...before, teamIds: beforeTeams.sort() },
			after: { role: input.role, active: input.active, teamIds: teamIds.sort() }
		});
		return 'updated';
	});
	// A deactivated (or reactivated) demo account changes whether the demo banner shows.
	if (result === 'updated') forgetDemoAccounts();
	return result;
}

/** A new password ends every session of the person, this one too; the caller starts a fresh one (a new token). */
export async function changePassword(userId: number, passwordHash: string) {
	await db().transaction(async (tx) => {
		await tx.update(appUser).set({ passwordHash }).where(eq(appUser.id, userId));
		await invalidateUserSessions(userId, tx);
		// A password change is how a leak is answered: API tokens made with the old password go too.
		await tx
			.update(apiToken)
			.set({ revokedAt: new Date() })
			.where(and(eq(apiToken.userId, userId), isNull(apiToken.revokedAt)));
		await recordAudit(tx, { actorId: userId, action: 'user.password', entity: 'user', entityId: userId });
	});
	// It may have been the last demo account with the public password: the banner asks again.
	forgetDemoAccounts();
}
