import { and, count, desc, eq, isNull, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { appUser, publishedRadar } from '#lib/server/db/schema/index.ts';
import { generateToken, hashToken } from '#lib/server/auth/session.ts';
import { keyedTransactionLock } from '#lib/server/db/locks.js';
import { recordAudit } from './audit';

/** Live addresses at once: each is a door left open, so a handful is plenty. */
export const MAX_PUBLISHED_RADARS = 20;

/** What generateToken makes (20 random bytes, 160 bits, in lower-case base32): anything else is not ours, unseen by the database. */
const SECRET = /^[a-z2-7]{32}$/;

/**
 * Creates an address and returns its secret, the only time it is ever seen (only its hash is
 * stored); null when MAX_PUBLISHED_RADARS are live already.
 */
export async function createPublishedRadar(actorId: number, name: string): Promise<{ id: number; secret: string } | null> {
	const secret = generateToken();
	return db().transaction(async (tx) => {
		await tx.execute(keyedTransactionLock('publishedRadar', 'create'));
		const [{ live }] = await tx.select({ live: count() }).from(publishedRadar).where(isNull(publishedRadar.revokedAt));
		if (live >= MAX_PUBLISHED_RADARS) return null;
		const [row] = await tx
			.insert(publishedRadar)
			.values({ name, tokenHash: hashToken(secret), prefix: secret.slice(0, 6), createdBy: actorId })
			.returning({ id: publishedRadar.id, name: publishedRadar.name, prefix: publishedRadar.prefix });
		await recordAudit(tx, { actorId, action: 'radar_link.create', entity: 'published_radar', entityId: row.id, after: row });
		return { id: row.id, secret };
	});
}

/** Every address, live ones first, for the admin page: never the hash. */
export async function listPublishedRadars() {
	return db()
		.select({
			id: publishedRadar.id,
			name: publishedRadar.name,
			prefix: publishedRadar.prefix,
			createdAt: publishedRadar.createdAt,
			createdBy: appUser.name,
			lastFetchedAt: publishedRadar.lastFetchedAt,
			revokedAt: publishedRadar.revokedAt
		})
		.from(publishedRadar)
		.leftJoin(appUser, eq(appUser.id, publishedRadar.createdBy))
		.orderBy(sql`${publishedRadar.revokedAt} is not null`, desc(publishedRadar.createdAt), desc(publishedRadar.id));
}

/** Revokes a live address; false if there is none by that id or it is revoked already. */
export async function revokePublishedRadar(actorId: number, id: number): Promise<boolean> {
	return db().transaction(async (tx) => {
		const [row] = await tx
			.update(publishedRadar)
			.set({ revokedAt: new Date() })
			.where(and(eq(publishedRadar.id, id), isNull(publishedRadar.revokedAt)))
			.returning({ id: publishedRadar.id, name: publishedRadar.name, prefix: publishedRadar.prefix });
		if (!row) return false;
		await recordAudit(tx, { actorId, action: 'radar_link.revoke', entity: 'published_radar', entityId: row.id, before: row });
		return true;
	});
}

/**
 * Whether a secret opens a live address. One lookup by the hash's unique index, the same for an
 * unknown and a revoked secret, so the answer's timing tells nothing about which. The last fetch is
 * written at most once a minute, so a busy reader does not write on every request.
 */
export async function openPublishedRadar(secret: string): Promise<boolean> {
	if (!SECRET.test(secret)) return false;
	const [row] = await db()
		.select({ id: publishedRadar.id })
		.from(publishedRadar)
		.where(and(eq(publishedRadar.tokenHash, hashToken(secret)), isNull(publishedRadar.revokedAt)));
	if (!row) return false;
	await db()
		.update(publishedRadar)
		.set({ lastFetchedAt: sql`now()` })
		.where(
			and(
				eq(publishedRadar.id, row.id),
				sql`(${publishedRadar.lastFetchedAt} is null or ${publishedRadar.lastFetchedAt} < now() - interval '1 minute')`
			)
		);
	return true;
}
