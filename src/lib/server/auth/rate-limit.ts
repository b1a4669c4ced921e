import { and, count, eq, gt, inArray, lt, or } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { keyedTransactionLock } from '#lib/server/db/locks.js';
import { loginFailure } from '#lib/server/db/schema/index.ts';

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

/**
 * The other doors anonymous people can knock on, limited per address in the same table. Their keys
 * (`!door|address`) start with `!`, where a login key starts with an email or `*`. Every window here is at
 * most LOGIN_WINDOW_MS, so the login limiter's pruning never drops a row that still counts, and
 * this one's never does either.
 */
export type AddressLimit = { door: string; max: number; windowMs: number };
/** Accepting an invitation, and first-run setup: password forms anyone may post, like the sign-in. */
export const INVITE_LIMIT: AddressLimit = { door: 'invite', max: ADDRESS_MAX_FAILURES, windowMs: LOGIN_WINDOW_MS };
export const SETUP_LIMIT: AddressLimit = { door: 'setup', max: ADDRESS_MAX_FAILURES, windowMs: LOGIN_WINDOW_MS };

/**
 * Who an address is, for these limits. An IPv6 client usually holds a whole /64 and can pick any
 * address in it, so the /64 is one key; an IPv4-mapped IPv6 address is its IPv4 address.
 */
export function addressKey(address: string): string {
	const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
	if (mapped) return mapped[1];
	if (!address.includes(':')) return address;
	const [head, tail] = address.split('%')[0].toLowerCase().split('::');
	const left = head ? head.split(':') : [];
	const right = tail ? tail.split(':') : [];
	const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
	return `${groups
		.slice(0, 4)
		.map((g) => g.replace(/^0+(?=.)/, ''))
		.join(':')}::/64`;
}

const doorKey = (limit: AddressLimit, address: string) => `!${limit.door}|${addressKey(address)}`;

/**
 * Claims one attempt at a door for an address, counting it until released: the id of the claim,
 * or null when the address has used up the door's window. Counting and claiming happen under one
 * lock per key, so requests sent at once cannot all slip under the limit.
 */
export async function claimAddressAttempt(limit: AddressLimit, address: string, now = new Date()): Promise<number | null> {
	const key = doorKey(limit, address);
	return db().transaction(async (tx) => {
		await tx.execute(keyedTransactionLock('login', key));
		const [{ n }] = await tx
			.select({ n: count() })
			.from(loginFailure)
			.where(and(eq(loginFailure.key, key), gt(loginFailure.failedAt, new Date(now.getTime() - limit.windowMs))));
		if (n >= limit.max) return null;
		const [row] = await tx.insert(loginFailure).values({ key, failedAt: now }).returning({ id: loginFailure.id });
		await tx.delete(loginFailure).where(lt(loginFailure.failedAt, new Date(now.getTime() - LOGIN_WINDOW_MS)));
		return row.id;
	});
}

/** Gives back a claim (the attempt succeeded), or, without its id, one of the address's claims still counting at this door. */
export async function releaseAddressAttempt(limit: AddressLimit, address: string, id?: number, now = new Date()) {
	if (id !== undefined) {
		await db().delete(loginFailure).where(eq(loginFailure.id, id));
		return;
	}
	const [counting] = await db()
		.select({ id: loginFailure.id })
		.from(loginFailure)
		.where(and(eq(loginFailure.key, doorKey(limit, address)), gt(loginFailure.failedAt, new Date(now.getTime() - limit.windowMs))))
		.limit(1);
	if (counting) await db().delete(loginFailure).where(eq(loginFailure.id, counting.id));
}
