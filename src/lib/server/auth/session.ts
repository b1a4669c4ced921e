import { createHash } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import type { Cookies } from '@sveltejs/kit';
import { and, eq, exists, gt, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import type { Tx } from '#lib/server/db/client.ts';
import { personTopic, publish } from '#lib/server/db/notify.ts';
import { prepared } from '#lib/server/db/prepared.ts';
import { appUser, session, type Role } from '#lib/server/db/schema/index.ts';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_SLIDING_MS = 30 * DAY;
export const SESSION_ABSOLUTE_MS = 90 * DAY;
export const SESSION_COOKIE = 'session';

export type SessionUser = { id: number; email: string; name: string; role: Role };
export type SessionInfo = { id: string; expiresAt: Date };

export function generateToken(): string {
	const bytes = new Uint8Array(20);
	crypto.getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

/** On every request (the session lookup): node's native hash, not a JavaScript one. */
export function hashToken(token: string): string {
	return createHash('sha256').update(token).digest('hex');
}

export async function createSession(token: string, userId: number, idToken?: string): Promise<SessionInfo> {
	const row = { id: hashToken(token), userId, expiresAt: new Date(Date.now() + SESSION_SLIDING_MS), idToken };
	await db().insert(session).values(row);
	return { id: row.id, expiresAt: row.expiresAt };
}

/** Expiry after activity at `now`: slides by 30 days, but never past the absolute lifetime. */
export function nextExpiry(createdAt: Date, now = Date.now()): Date {
	return new Date(Math.min(now + SESSION_SLIDING_MS, createdAt.getTime() + SESSION_ABSOLUTE_MS));
}

/** The session with its person: the one query every signed-in request makes. */
const sessionWithUser = prepared((database) =>
	database
		.select({
			expiresAt: session.expiresAt,
			createdAt: session.createdAt,
			userId: appUser.id,
			email: appUser.email,
			name: appUser.name,
			role: appUser.role,
			active: appUser.active,
			// The page cache's validator (page-cache.ts): the last transaction that changed what pages show, this person's
			// drafts (each save moves its response's version on), and which server answered.
			pageVersion: sql<string>`(select xact::text from page_version.shared) || ':' ||
				(select coalesce(sum(r.version), 0)::text from response r where r.user_id = ${appUser.id}) || '@' ||
				pg_postmaster_start_time()::text`
		})
		.from(session)
		.innerJoin(appUser, eq(appUser.id, session.userId))
		.where(eq(session.id, sql.placeholder('id')))
		.prepare('session_with_user')
);

/**
 * The session and its person, and whether the cookie should be sent again: for a day after the
 * expiry slid, so that a refresh whose response never reached the browser (an aborted
 * navigation) is repaired by the next request, and not on every response after that. A session
 * that never slid is not sent again: the sign-in's own response set it, or there is none to repair.
 */
export async function validateSessionToken(
	token: string
): Promise<{ session: SessionInfo; user: SessionUser; sendCookie: boolean; pageVersion: string } | null> {
	const id = hashToken(token);
	const [row] = await sessionWithUser().execute({ id });
	if (!row) return null;
	const now = Date.now();
	if (!row.active || now >= row.expiresAt.getTime()) {
		await db().delete(session).where(eq(session.id, id));
		return null;
	}
	let expiresAt = row.expiresAt;
	// Refresh at most once per half window, so an active user does not write on every request; and not once the
	// absolute lifetime holds the expiry where it is (its last 15 days), where a refresh would change nothing.
	const next = nextExpiry(row.createdAt, now);
	const refreshed = expiresAt.getTime() - now < SESSION_SLIDING_MS / 2 && next.getTime() !== expiresAt.getTime();
	if (refreshed) {
		expiresAt = next;
		await db().update(session).set({ expiresAt }).where(eq(session.id, id));
	}
	// A slide happens half a window after sign-in at the earliest, so a session that slid expires well over a
	// window after it began; one that never slid, a window after (give or take the two clocks).
	const slid = expiresAt.getTime() - row.createdAt.getTime() > SESSION_SLIDING_MS + DAY;
	const sendCookie = refreshed || (slid && expiresAt.getTime() - now > SESSION_SLIDING_MS - DAY);
	const user = { id: row.userId, email: row.email, name: row.name, role: row.role };
	return { session: { id, expiresAt }, user, sendCookie, pageVersion: row.pageVersion };
}

/** Ends a session, answering the provider's ID token if it was a single sign-on; its live streams end too. */
export async function endSession(sessionId: string): Promise<string | null> {
	return db().transaction(async (tx) => {
		const [row] = await tx.delete(session).where(eq(session.id, sessionId)).returning({ userId: session.userId, idToken: session.idToken });
		if (row) await publish(tx, personTopic(row.userId), 'signed-out');
		return row?.idToken ?? null;
	});
}

/** Ends every session of a user (deactivation, a password change), inside the caller's transaction if given, and their live streams. */
export async function invalidateUserSessions(userId: number, executor: Pick<Tx, 'delete' | 'execute'> = db()) {
	await executor.delete(session).where(eq(session.userId, userId));
	await publish(executor, personTopic(userId), 'signed-out');
}

/**
 * The role of a person who is still signed in with this session (it exists, has not expired, and
 * the person is active), or null: what a long-lived stream asks again. Without a session (a test
 * event) only the person is checked.
 */
export async function signedInRole(userId: number, sessionId: string | null): Promise<Role | null> {
	const [row] = await db()
		.select({ role: appUser.role })
		.from(appUser)
		.where(
			and(
				eq(appUser.id, userId),
				eq(appUser.active, true),
				sessionId === null
					? undefined
					: exists(
							db()
								.select({ one: sql`1` })
								.from(session)
								.where(and(eq(session.id, sessionId), eq(session.userId, userId), gt(session.expiresAt, sql`now()`)))
						)
			)
		);
	return row?.role ?? null;
}

export const sessionCookieOptions = (expiresAt: Date, secure: boolean) =>
	({ path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt }) as const;

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date, secure: boolean) {
	cookies.set(SESSION_COOKIE, token, sessionCookieOptions(expiresAt, secure));
}

export function deleteSessionCookie(cookies: Cookies, secure: boolean) {
	cookies.delete(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** Starts a fresh session (a new token at every sign-in) and sets its cookie; a single sign-on keeps the provider's ID token for signing out there. */
export async function signIn(event: { cookies: Cookies; url: URL }, userId: number, idToken?: string) {
	const token = generateToken();
	const created = await createSession(token, userId, idToken);
	setSessionCookie(event.cookies, token, created.expiresAt, event.url.protocol === 'https:');
}

const PLACEHOLDER_ORIGIN = 'http://next.invalid';

/**
 * Only same-site paths are followed after sign-in. `next` is resolved against the site as a
 * browser would; a control character or backslash (browsers drop the one and read the other as
 * a slash, so `/\t/evil.example` becomes `//evil.example`), or a result off the site, goes home.
 */
export function safeNext(next: string | null | undefined): string {
	// eslint-disable-next-line no-control-regex
	if (!next || !next.startsWith('/') || /[\u0000-\u001f\u007f\\]/.test(next)) return '/';
	let url: URL;
	try {
		url = new URL(next, PLACEHOLDER_ORIGIN);
	} catch {
		return '/';
	}
	const path = `${url.pathname}${url.search}${url.hash}`;
	// A path that resolves to "//host" would be read as another origin by the browser.
	return url.origin === PLACEHOLDER_ORIGIN && !path.startsWith('//') ? path : '/';
}
