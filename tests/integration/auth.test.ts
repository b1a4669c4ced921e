import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { appUser, session } from '../../src/lib/server/db/schema';
import { hashToken, SESSION_COOKIE, validateSessionToken, createSession, generateToken } from '../../src/lib/server/auth/session';
import { ADDRESS_MAX_FAILURES, LOGIN_MAX_FAILURES } from '../../src/lib/server/auth/rate-limit';
import * as setup from '../../src/routes/(auth)/setup/+page.server';
import * as login from '../../src/routes/(auth)/login/+page.server';
import * as logout from '../../src/routes/(auth)/logout/+page.server';
import * as account from '../../src/routes/(app)/account/+page.server';
import { useTestDatabase } from '../helpers/db';
import { fakeCookies, fakeEvent, run } from '../helpers/event';
import { createUserRow, TEST_PASSWORD } from '../helpers/factories';
import { verifyPassword } from '../../src/lib/server/auth/password';
import { findPasswordHash } from '../../src/lib/server/queries/users';

useTestDatabase();

const PASSWORD = 'a long enough password';

describe('first-run setup', () => {
	it('refuses a short password and stores nothing', async () => {
		const out = await run(
			setup.actions.default,
			fakeEvent({ form: { name: 'Ann', email: 'ann@x.io', password: 'short', confirm: 'short' } })
		);
		expect(out).toMatchObject({ kind: 'failure', status: 400, data: { errors: { password: 'Use at least 10 characters.' } } });
		expect(out.kind === 'failure' && out.data.values).not.toHaveProperty('password');
		expect(await db().select().from(appUser)).toHaveLength(0);
	});

	it('creates exactly one admin, signs them in, then closes itself', async () => {
		const cookies = fakeCookies();
		const out = await run(
			setup.actions.default,
			fakeEvent({ cookies, form: { name: 'Ann', email: 'Ann@X.io', password: PASSWORD, confirm: PASSWORD } })
		);
		expect(out).toEqual({ kind: 'redirect', status: 303, location: '/' });
		const users = await db().select().from(appUser);
		expect(users).toMatchObject([{ email: 'ann@x.io', role: 'admin' }]);
		expect(users[0].passwordHash).toMatch(/^\$argon2id\$/);
		expect(cookies.jar.get(SESSION_COOKIE)).toBeTruthy();

		expect(await run(setup.load, fakeEvent())).toMatchObject({ kind: 'redirect', location: '/login' });
		const again = await run(
			setup.actions.default,
			fakeEvent({ form: { name: 'Eve', email: 'eve@x.io', password: PASSWORD, confirm: PASSWORD } })
		);
		expect(again).toMatchObject({ kind: 'redirect', location: '/login' });
		expect(await db().select().from(appUser)).toHaveLength(1);
	});
});

describe('login', () => {
	it('stores only the hash of the session token and follows a same-site next', async () => {
		const user = await createUserRow('member', { email: 'mo@x.io' });
		const cookies = fakeCookies();
		const out = await run(
			login.actions.default,
			fakeEvent({ cookies, form: { email: 'mo@x.io', password: TEST_PASSWORD, next: '/rounds?x=1' } })
		);
		expect(out).toEqual({ kind: 'redirect', status: 303, location: '/rounds?x=1' });
		const token = cookies.jar.get(SESSION_COOKIE)!;
		const rows = await db().select().from(session).where(eq(session.userId, user.id));
		expect(rows.map((r) => r.id)).toEqual([hashToken(token)]);
		expect(rows[0].id).not.toBe(token);
		expect((await validateSessionToken(token))?.user.id).toBe(user.id);

		const offsite = await run(
			login.actions.default,
			fakeEvent({ form: { email: 'mo@x.io', password: TEST_PASSWORD, next: '//evil.example/' } })
		);
		expect(offsite).toMatchObject({ kind: 'redirect', location: '/' });
	});

	it('answers an unknown email exactly like a wrong password', async () => {
		await createUserRow('member', { email: 'known@x.io' });
		const wrong = await run(login.actions.default, fakeEvent({ form: { email: 'known@x.io', password: 'not the password' } }));
		const unknown = await run(login.actions.default, fakeEvent({ form: { email: 'nobody@x.io', password: 'not the password' } }));
		expect(wrong.kind).toBe('failure');
		expect(unknown).toEqual({ ...wrong, data: { ...(wrong as { data: object }).data, values: { email: 'nobody@x.io', next: '' } } });
	});

	it('refuses a deactivated account even with the right password', async () => {
		await createUserRow('member', { email: 'gone@x.io', active: false });
		const out = await run(login.actions.default, fakeEvent({ form: { email: 'gone@x.io', password: TEST_PASSWORD } }));
		expect(out).toMatchObject({ kind: 'failure', status: 400 });
	});

	it(`locks an email+address pair after ${LOGIN_MAX_FAILURES} failures, even for the right password`, async () => {
		await createUserRow('member', { email: 'target@x.io' });
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
			const out = await run(
				login.actions.default,
				fakeEvent({ address: '10.0.0.9', form: { email: 'target@x.io', password: 'guess ' + i } })
			);
			expect(out).toMatchObject({ kind: 'failure', status: 400 });
		}
		const locked = await run(
			login.actions.default,
			fakeEvent({ address: '10.0.0.9', form: { email: 'target@x.io', password: TEST_PASSWORD } })
		);
		expect(locked).toMatchObject({ kind: 'failure', status: 429 });
		// The same person from another address is not locked out.
		const elsewhere = await run(
			login.actions.default,
			fakeEvent({ address: '10.0.0.10', form: { email: 'target@x.io', password: TEST_PASSWORD } })
		);
		expect(elsewhere).toMatchObject({ kind: 'redirect', location: '/' });
	});

	it('forty guesses sent at once get ten password checks, not forty', async () => {
		await createUserRow('member', { email: 'raced@x.io' });
		const outs = await Promise.all(
			Array.from({ length: 40 }, (_, i) =>
				run(login.actions.default, fakeEvent({ address: '10.0.0.20', form: { email: 'raced@x.io', password: 'guess number ' + i } }))
			)
		);
		const statuses = outs.map((o) => (o.kind === 'failure' ? o.status : o.kind));
		expect(statuses.filter((s) => s === 400)).toHaveLength(LOGIN_MAX_FAILURES);
		expect(statuses.filter((s) => s === 429)).toHaveLength(40 - LOGIN_MAX_FAILURES);
	});

	it(`one address trying many accounts is stopped after ${ADDRESS_MAX_FAILURES} failures`, async () => {
		const statuses: (number | string)[] = [];
		for (let i = 0; i < ADDRESS_MAX_FAILURES + 5; i++) {
			const out = await run(
				login.actions.default,
				fakeEvent({ address: '10.0.0.30', form: { email: `spray${i}@x.io`, password: 'Summer2026!!' } })
			);
			statuses.push(out.kind === 'failure' ? out.status : out.kind);
		}
		expect(statuses.slice(0, ADDRESS_MAX_FAILURES).every((s) => s === 400)).toBe(true);
		expect(statuses.slice(ADDRESS_MAX_FAILURES).every((s) => s === 429)).toBe(true);
		// Someone else, elsewhere, signs in as usual.
		await createUserRow('member', { email: 'calm@x.io' });
		expect(
			await run(login.actions.default, fakeEvent({ address: '10.0.0.31', form: { email: 'calm@x.io', password: TEST_PASSWORD } }))
		).toMatchObject({
			kind: 'redirect'
		});
	});
});

describe('sessions', () => {
	it('rejects and removes an expired session', async () => {
		const user = await createUserRow();
		const token = generateToken();
		await createSession(token, user.id);
		await db()
			.update(session)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(session.id, hashToken(token)));
		expect(await validateSessionToken(token)).toBeNull();
		expect(
			await db()
				.select()
				.from(session)
				.where(eq(session.id, hashToken(token)))
		).toHaveLength(0);
	});

	it('slides a half-used session forward, but not past its absolute lifetime', async () => {
		const user = await createUserRow();
		const token = generateToken();
		await createSession(token, user.id);
		// Just signed in: the sign-in's response set the cookie, so no other response repeats it.
		expect((await validateSessionToken(token))!.sendCookie).toBe(false);
		const soon = new Date(Date.now() + 2 * 86_400_000);
		await db()
			.update(session)
			.set({ createdAt: new Date(Date.now() - 28 * 86_400_000), expiresAt: soon })
			.where(eq(session.id, hashToken(token)));
		const refreshed = await validateSessionToken(token);
		expect(refreshed!.session.expiresAt.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
		// The cookie follows for a day after a slide (so a lost response is repaired), then rests.
		expect(refreshed!.sendCookie).toBe(true);
		expect((await validateSessionToken(token))!.sendCookie).toBe(true);
		await db()
			.update(session)
			.set({ expiresAt: new Date(Date.now() + 20 * 86_400_000) })
			.where(eq(session.id, hashToken(token)));
		expect((await validateSessionToken(token))!.sendCookie).toBe(false);

		const old = new Date(Date.now() - 89 * 86_400_000);
		await db()
			.update(session)
			.set({ createdAt: old, expiresAt: soon })
			.where(eq(session.id, hashToken(token)));
		const capped = await validateSessionToken(token);
		expect(capped!.session.expiresAt.getTime()).toBeLessThanOrEqual(old.getTime() + 90 * 86_400_000);
	});

	it('stops refreshing once the absolute lifetime holds the expiry, instead of writing on every request', async () => {
		const user = await createUserRow();
		const token = generateToken();
		await createSession(token, user.id);
		const createdAt = new Date(Date.now() - 80 * 86_400_000);
		const end = new Date(createdAt.getTime() + 90 * 86_400_000);
		await db()
			.update(session)
			.set({ createdAt, expiresAt: end })
			.where(eq(session.id, hashToken(token)));
		const found = await validateSessionToken(token);
		expect(found!.session.expiresAt.getTime()).toBe(end.getTime());
		expect(found!.sendCookie).toBe(false);
		// Nothing was written: the next request reads the same page version (which the page cache relies on).
		expect((await validateSessionToken(token))!.pageVersion).toBe(found!.pageVersion);
	});

	it('logout ends the session and clears the cookie', async () => {
		const user = await createUserRow();
		const token = generateToken();
		const info = await createSession(token, user.id);
		const cookies = fakeCookies({ [SESSION_COOKIE]: token });
		const out = await run(logout.actions.default, fakeEvent({ user, session: info, cookies }));
		expect(out).toMatchObject({ kind: 'redirect', location: '/login' });
		expect(cookies.jar.has(SESSION_COOKIE)).toBe(false);
		expect(await validateSessionToken(token)).toBeNull();
	});

	it('a password change rotates this session and ends the others', async () => {
		const user = await createUserRow();
		const here = generateToken();
		const there = generateToken();
		const info = await createSession(here, user.id);
		await createSession(there, user.id);
		const bad = await run(
			account.actions.password,
			fakeEvent({ user, session: info, form: { current: 'wrong one!!', password: PASSWORD, confirm: PASSWORD } })
		);
		expect(bad).toMatchObject({ kind: 'failure', data: { errors: { current: 'That is not your current password.' } } });
		expect(await validateSessionToken(there)).not.toBeNull();

		const cookies = fakeCookies({ [SESSION_COOKIE]: here });
		const out = await run(
			account.actions.password,
			fakeEvent({ user, session: info, cookies, form: { current: TEST_PASSWORD, password: PASSWORD, confirm: PASSWORD } })
		);
		expect(out).toEqual({ kind: 'data', data: { changed: true } });
		expect(await validateSessionToken(here)).toBeNull();
		expect(await validateSessionToken(there)).toBeNull();
		const fresh = cookies.jar.get(SESSION_COOKIE)!;
		expect(fresh).not.toBe(here);
		expect((await validateSessionToken(fresh))?.user.id).toBe(user.id);
	});

	it('guessing the current password meets the sign-in limit: ten wrong, then refused even when right', async () => {
		const user = await createUserRow();
		const attempt = (current: string) =>
			run(account.actions.password, fakeEvent({ user, address: '203.0.113.9', form: { current, password: PASSWORD, confirm: PASSWORD } }));
		for (let i = 0; i < LOGIN_MAX_FAILURES; i++) expect(await attempt(`guess number ${i}`)).toMatchObject({ kind: 'failure', status: 400 });
		expect(await attempt(TEST_PASSWORD)).toMatchObject({
			kind: 'failure',
			status: 429,
			data: { errors: { current: 'Too many wrong passwords. Wait 15 minutes and try again.' } }
		});
		expect(await findPasswordHash(user.id)).toBeTruthy();
		expect(await verifyPassword((await findPasswordHash(user.id))!, TEST_PASSWORD)).toBe(true);
	});
});
