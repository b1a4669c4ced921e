import { and, count, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { apiToken, appUser } from '#lib/server/db/schema/index.ts';
import { generateToken, hashToken, type SessionUser } from '#lib/server/auth/session.ts';
import { roleUnderScope, type Scope } from '#lib/domain/api-scopes.ts';
import { recordAudit } from './audit';

/** Tokens start with this, so secret scanners and people can tell them apart from other secrets. */
export const TOKEN_PREFIX = 'opsm_';

/** Live tokens a person may hold at once. */
export const MAX_TOKENS = 20;

/** Creates a token and returns it, the only time it is ever seen (only its hash is stored); null at MAX_TOKENS live ones. */
export async function createApiToken(userId: number, input: { name: string; scope: Scope; days: number }): Promise<string | null> {
	const secret = generateToken();
	const token = `${TOKEN_PREFIX}${secret}`;
	return db().transaction(async (tx) => {
		// Under the person's row lock, so two creations at once cannot both pass the count.
		await tx.select({ id: appUser.id }).from(appUser).where(eq(appUser.id, userId)).for('update');
		const [{ live }] = await tx
			.select({ live: count() })
			.from(apiToken)
			.where(and(eq(apiToken.userId, userId), isNull(apiToken.revokedAt), gt(apiToken.expiresAt, new Date())));
		if (live >= MAX_TOKENS) return null;
		const [row] = await tx
			.insert(apiToken)
			.values({
				userId,
				name: input.name,
				scope: input.scope,
				tokenHash: hashToken(token),
				prefix: secret.slice(0, 6),
				expiresAt: new Date(Date.now() + input.days * 86_400_000)
			})
			.returning({ id: apiToken.id, name: apiToken.name, scope: apiToken.scope, expiresAt: apiToken.expiresAt });
		await recordAudit(tx, { actorId: userId, action: 'token.create', entity: 'api_token', entityId: row.id, after: row });
		return token;
	});
}

export async function listApiTokens(userId: number) {
	return db()
		.select({
			id: apiToken.id,
			name: apiToken.name,
			scope: apiToken.scope,
			prefix: apiToken.prefix,
			expiresAt: apiToken.expiresAt,
			lastUsedAt: apiToken.lastUsedAt,
			revokedAt: apiToken.revokedAt,
			createdAt: apiToken.createdAt
		})
		.from(apiToken)
		.where(eq(apiToken.userId, userId))
		.orderBy(desc(apiToken.createdAt));
}

/** Revokes one of the person's own tokens; false if it is not theirs or already revoked. */
export async function revokeApiToken(userId: number, tokenId: number): Promise<boolean> {
	return db().transaction(async (tx) => {
		const [row] = await tx
			.update(apiToken)
			.set({ revokedAt: new Date() })
			.where(and(eq(apiToken.id, tokenId), eq(apiToken.userId, userId), isNull(apiToken.revokedAt)))
			.returning({ id: apiToken.id, name: apiToken.name });
		if (!row) return false;
		await recordAudit(tx, { actorId: userId, action: 'token.revoke', entity: 'api_token', entityId: row.id, before: { name: row.name } });
		return true;
	});
}

export type TokenUser = SessionUser & { tokenId: number; scope: Scope };

/**
 * The person a bearer token acts for, with their role capped by its scope; undefined for a token
 * that is unknown, revoked, expired, or whose person is deactivated. Last use is written at most
 * once a minute, so a busy client does not write on every request.
 */
export async function authenticateToken(token: string): Promise<TokenUser | undefined> {
	if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
	const [row] = await db()
		.select({ tokenId: apiToken.id, scope: apiToken.scope, id: appUser.id, email: appUser.email, name: appUser.name, role: appUser.role })
		.from(apiToken)
		.innerJoin(appUser, eq(appUser.id, apiToken.userId))
		.where(
			and(
				eq(apiToken.tokenHash, hashToken(token)),
				isNull(apiToken.revokedAt),
				gt(apiToken.expiresAt, new Date()),
				eq(appUser.active, true)
			)
		);
	if (!row) return undefined;
	await db()
		.update(apiToken)
		.set({ lastUsedAt: sql`now()` })
		.where(
			and(eq(apiToken.id, row.tokenId), sql`(${apiToken.lastUsedAt} is null or ${apiToken.lastUsedAt} < now() - interval '1 minute')`)
		);
	return { ...row, role: roleUnderScope(row.role, row.scope) };
}
