import { and, count, eq, gt, inArray, lt, or } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { keyedTransactionLock } from '$lib/server/db/locks';
import { loginFailure } from '$lib/server/db/schema';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
/** Failed sign-ins for one email from one address before that pair must wait. */
export const LOGIN_MAX_FAILURES = 10;
/** Failed sign-ins from one address across all emails: one password tried on many accounts. */
export const ADDRESS_MAX_FAILURES = 30;

/**
 * Kept in the database, so the limit holds across every instance sharing it. One key per email
 * and address (one attacker cannot lock a person out from everywhere), one per address alone.
 */
export function loginKeys(email: string, address: string) {
	return { account: `${email.trim().toLowerCase()}|${address}`, address: `*|${address}` };
}

export type LoginClaim = { ok: true; ids: number[] } | { ok: false; reason: 'account' | 'address' };

/**
 * Claims one attempt before the password is checked, counting it as a failure until the
 * sign-in succeeds: counting and claiming happen under one advisory lock per key, so forty
 * guesses sent at once get ten checks, not forty.
 */
export async function claimLoginAttempt(email: string, address: string, now = new Date()): Promise<LoginClaim> {
	const keys = loginKeys(email, address);
	const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
	return db().transaction(async (tx) => {
		// Sorted, so two requests never take the same two locks in opposite order.
		for (const key of [keys.account, keys.address].sort()) await tx.execute(keyedTransactionLock('login', key));
		const counts = await tx
			.select({ key: loginFailure.key, n: count() })
			.from(loginFailure)
			.where(and(inArray(loginFailure.key, [keys.account, keys.address]), gt(loginFailure.failedAt, since)))
			.groupBy(loginFailure.key);
		const n = (key: string) => counts.find((c) => c.key === key)?.n ?? 0;
		if (n(keys.account) >= LOGIN_MAX_FAILURES) return { ok: false, reason: 'account' } as const;
		if (n(keys.address) >= ADDRESS_MAX_FAILURES) return { ok: false, reason: 'address' } as const;
		const rows = await tx
			.insert(loginFailure)
			.values([
				{ key: keys.account, failedAt: now },
				{ key: keys.address, failedAt: now }
			])
			.returning({ id: loginFailure.id });
		// Old rows say nothing any more; pruning here keeps the table at the size of one window.
		await tx.delete(loginFailure).where(lt(loginFailure.failedAt, since));
		return { ok: true, ids: rows.map((r) => r.id) } as const;
	});
}

/** A successful sign-in: its own claim was no failure, and the account's earlier failures are forgiven. */
export async function settleLoginSuccess(email: string, address: string, claim: { ids: number[] }) {
	const keys = loginKeys(email, address);
	await db()
		.delete(loginFailure)
		.where(or(inArray(loginFailure.id, claim.ids), eq(loginFailure.key, keys.account)));
}
