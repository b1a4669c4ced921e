import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { intArray, rowsOf, sqlState, UNIQUE_VIOLATION, type Tx } from '#lib/server/db/client.ts';
import { keyedTransactionLock, LOCK } from '#lib/server/db/locks.js';
import { appUser, invitation, userIdentity, userTeam } from '#lib/server/db/schema/index.ts';
import { groupsOf, membershipFrom, newcomerRole, roleAtSignIn, type HeldRole, type Membership, type SsoConfig } from '#lib/domain/sso.ts';
import { breakGlassEmail } from '#lib/server/auth/local-login.ts';
import type { ProviderIdentity } from '#lib/server/auth/oidc.ts';
import { recordAudit } from './audit';
import { joinTeams } from './teams';
import { askNewcomer } from './round-scope';
import { getSsoConfig } from './settings';

/** An account made by single sign-on has no password: nothing a password can match. */
export const NO_PASSWORD = '';

export type SsoAccount =
	{ ok: true; userId: number; created: boolean } | { ok: false; reason: 'inactive' | 'taken' | 'no-admin-yet' | 'break-glass' };

/**
 * The account a provider's identity signs in to, in one transaction: the one remembered for this
 * `sub`; else the account with this verified email (then remembered); else a new one, with the
 * teams of a pending invitation to that email and of the group mapping, and the role the groups
 * give, else the invitation's, else the default. At every sign-in the groups claim updates role
 * and mapped teams, as /admin/sso says.
 */
export async function signInFromProvider(identity: ProviderIdentity): Promise<SsoAccount> {
	const config = await getSsoConfig();
	const membership = membershipFrom(config, groupsOf(identity.claims, config.groupsClaim));
	try {
		return await db().transaction((tx) => resolveAccount(tx, identity, config, membership));
	} catch (error) {
		// The same person arriving twice at once through another door (an invitation accepted with a password meanwhile).
		if (sqlState(error) === UNIQUE_VIOLATION) return { ok: false, reason: 'taken' };
		throw error;
	}
}

async function resolveAccount(tx: Tx, identity: ProviderIdentity, config: SsoConfig, membership: Membership): Promise<SsoAccount> {
	await tx.execute(keyedTransactionLock('sso', identity.email));
	const [known] = await tx
		.select({ userId: userIdentity.userId })
		.from(userIdentity)
		.where(and(eq(userIdentity.issuer, identity.issuer), eq(userIdentity.subject, identity.subject)));
	let userId = known?.userId;
	let created = false;
	if (userId) {
		await tx
			.update(userIdentity)
			.set({ lastSignInAt: new Date() })
			.where(and(eq(userIdentity.issuer, identity.issuer), eq(userIdentity.subject, identity.subject)));
	} else {
		const [byEmail] = await tx.select({ id: appUser.id }).from(appUser).where(eq(appUser.email, identity.email));
		// The break-glass account is the way in when the provider is down: the provider never signs in as it.
		if (byEmail && identity.email === breakGlassEmail()) return { ok: false, reason: 'break-glass' } as const;
		if (byEmail) {
			// Someone else at this provider held this email before: do not hand their account over.
			const [other] = await tx
				.select({ subject: userIdentity.subject })
				.from(userIdentity)
				.where(
					and(eq(userIdentity.userId, byEmail.id), eq(userIdentity.issuer, identity.issuer), ne(userIdentity.subject, identity.subject))
				);
			if (other) return { ok: false, reason: 'taken' } as const;
			userId = byEmail.id;
			await recordAudit(tx, {
				actorId: userId,
				action: 'user.sso_link',
				entity: 'user',
				entityId: userId,
				after: { issuer: identity.issuer, subject: identity.subject, email: identity.email }
			});
		} else {
			// Before the first administrator exists (/setup), nobody joins through the provider.
			await tx.execute(sql`select pg_advisory_xact_lock(${LOCK.setup})`);
			const [{ n }] = rowsOf<{ n: number }>(await tx.execute(sql`select count(*)::int as n from app_user`));
			if (Number(n) === 0) return { ok: false, reason: 'no-admin-yet' } as const;
			const [invited] = await tx
				.select()
				.from(invitation)
				.where(and(eq(invitation.email, identity.email), isNull(invitation.usedAt), gt(invitation.expiresAt, new Date())))
				.orderBy(desc(invitation.createdAt))
				.limit(1)
				.for('update');
			const role = newcomerRole(membership, invited?.role, config.defaultRole);
			const [row] = await tx
				.insert(appUser)
				.values({ email: identity.email, name: identity.name, passwordHash: NO_PASSWORD, role, roleFromGroups: membership.role !== null })
				.returning({ id: appUser.id });
			userId = row.id;
			created = true;
			const teamIds = [...new Set([...(invited?.teamIds ?? []), ...membership.teamIds])];
			await joinTeams(tx, userId, teamIds);
			if (invited) await tx.update(invitation).set({ usedAt: new Date() }).where(eq(invitation.id, invited.id));
			const assessments = await askNewcomer(tx, userId);
			await recordAudit(tx, {
				actorId: userId,
				action: 'user.sso_create',
				entity: 'user',
				entityId: userId,
				after: { email: identity.email, role, teamIds, invitationId: invited?.id ?? null, assessments }
			});
		}
		await tx.insert(userIdentity).values({ issuer: identity.issuer, subject: identity.subject, userId });
	}
	const [user] = await tx
		.select({ active: appUser.active, role: appUser.role, fromGroups: appUser.roleFromGroups })
		.from(appUser)
		.where(eq(appUser.id, userId))
		.for('update');
	if (!user.active) return { ok: false, reason: 'inactive' } as const;
	if (!created) await followGroups(tx, userId, user, roleAtSignIn(membership, user, config.defaultRole), membership);
	return { ok: true, userId, created } as const;
}

async function followGroups(tx: Tx, userId: number, held: HeldRole, next: HeldRole | null, membership: Membership) {
	const role = held.role;
	const before = rowsOf<{ teamId: number }>(
		await tx.execute(sql`select team_id as "teamId" from user_team where user_id = ${userId} order by team_id`)
	).map((r) => Number(r.teamId));
	const leave = before.filter((t) => membership.managedTeamIds.includes(t) && !membership.teamIds.includes(t));
	if (leave.length) await tx.delete(userTeam).where(and(eq(userTeam.userId, userId), sql`${userTeam.teamId} = any(${intArray(leave)})`));
	const joined = await joinTeams(
		tx,
		userId,
		membership.teamIds.filter((t) => !before.includes(t))
	);
	let newRole = next && next.role !== role ? next.role : null;
	if (newRole && role === 'admin') {
		// The groups never remove the last active administrator; the lock makes two demotions at once take turns.
		await tx.execute(sql`select pg_advisory_xact_lock(${LOCK.setup})`);
		const [{ n }] = rowsOf<{ n: number }>(
			await tx.execute(sql`select count(*)::int as n from app_user where role = 'admin' and active and id <> ${userId}`)
		);
		if (n === 0) newRole = null;
	}
	if (newRole) await tx.update(appUser).set({ role: newRole, roleFromGroups: next!.fromGroups }).where(eq(appUser.id, userId));
	// The same role, now from the groups (or no longer): where it came from decides what leaving them does.
	else if (next && role === next.role && held.fromGroups !== next.fromGroups)
		await tx.update(appUser).set({ roleFromGroups: next.fromGroups }).where(eq(appUser.id, userId));
	const after = [...before.filter((t) => !leave.includes(t)), ...joined].sort((a, b) => a - b);
	if (newRole || after.join() !== before.join())
		await recordAudit(tx, {
			actorId: userId,
			action: 'user.sso_groups',
			entity: 'user',
			entityId: userId,
			before: { role, teamIds: before },
			after: { role: newRole ?? role, teamIds: after }
		});
}
