import { and, count, eq, gt, lt } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { loginFailure } from '$lib/server/db/schema';

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const LOGIN_MAX_FAILURES = 10;

/** Kept in the database, so the limit holds across every instance sharing it. */
export function loginKey(email: string, address: string) {
	return `${email.trim().toLowerCase()}|${address}`;
}

export async function isLoginBlocked(key: string, now = new Date()): Promise<boolean> {
	const since = new Date(now.getTime() - LOGIN_WINDOW_MS);
	const [row] = await db()
		.select({ n: count() })
		.from(loginFailure)
		.where(and(eq(loginFailure.key, key), gt(loginFailure.failedAt, since)));
	return (row?.n ?? 0) >= LOGIN_MAX_FAILURES;
}

export async function recordLoginFailure(key: string, now = new Date()) {
	await db().insert(loginFailure).values({ key, failedAt: now });
	// Old rows say nothing any more; pruning here keeps the table at the size of one window.
	await db()
		.delete(loginFailure)
		.where(lt(loginFailure.failedAt, new Date(now.getTime() - LOGIN_WINDOW_MS)));
}

export async function clearLoginFailures(key: string) {
	await db().delete(loginFailure).where(eq(loginFailure.key, key));
}
