import { performance } from 'node:perf_hooks';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { db } from '../../src/lib/server/db';
import { appUser, session } from '../../src/lib/server/db/schema';
import { hashToken, SESSION_COOKIE } from '../../src/lib/server/auth/session';
import { clearPageCache, MAX_AGE_MS } from '../../src/lib/server/http/page-cache';
import { demoAccountsExist, forgetDemoAccounts } from '../../src/lib/server/queries/demo-data';
import { useTestDatabase } from '../helpers/db';
import { throughHooks } from '../helpers/through-hooks';
import { draftOf, signedInPerson } from '../helpers/page-version';

useTestDatabase();
beforeEach(() => {
	clearPageCache();
	forgetDemoAccounts();
});

const TECHNOLOGY_PAGE = '/(app)/technologies/[slug]';

/** A signed-in person whose pages may be kept: earlier pages have read the demo banner's answer (a page rendered while none was known is not kept). */
async function signedIn(role: 'member' | 'lead' = 'member') {
	const person = await signedInPerson(role);
	await demoAccountsExist();
	return person;
}

/** A page handler that counts how often it renders and what it rendered from. */
function page(init: ResponseInit = {}) {
	const calls = { count: 0 };
	const handler = async (event: { locals: App.Locals }) => {
		calls.count++;
		// As every layout does: the demo banner's answer, kept in memory.
		await demoAccountsExist();
		if (init.statusText === 'failed') event.locals.failed = true;
		const [{ name }] = await db().select({ name: appUser.name }).from(appUser).orderBy(appUser.id).limit(1);
		return new Response(`<h1>${name}</h1><p>render ${calls.count}</p>`, {
			status: 200,
			...init,
			headers: { 'content-type': 'text/html', ...(init.headers as Record<string, string>) }
		});
	};
	return { calls, handler };
}

const get = (
	token: string,
	handler: (event: { locals: App.Locals }) => Promise<Response>,
	path = '/technologies/kafka',
	routeId: string = TECHNOLOGY_PAGE
) =>
	throughHooks(path, routeId, handler, { cookies: { [SESSION_COOKIE]: token } }).then(async ({ response }) => ({
		status: response.status,
		body: await response.text(),
		cookies: response.headers.getSetCookie()
	}));

describe('page cache', () => {
	it('serves a page again while nothing it shows was written, and renders it afresh after such a write', async () => {
		const { token, user } = await signedIn();
		const { calls, handler } = page();
		const first = await get(token, handler);
		const second = await get(token, handler);
		expect(calls.count).toBe(1);
		expect(second.body).toBe(first.body);

		await db().update(appUser).set({ name: 'Renamed' }).where(eq(appUser.id, user.id));
		const third = await get(token, handler);
		expect(calls.count).toBe(2);
		expect(third.body).toContain('Renamed');
	});

	it('stores a page under the state read before its data, so a write while it rendered is never hidden', async () => {
		const { token, user } = await signedIn();
		const calls = { count: 0 };
		// Another person's change commits after this request read its session, while its page is rendering.
		const racing = async () => {
			calls.count++;
			await demoAccountsExist();
			if (calls.count === 1) await db().update(appUser).set({ name: 'Changed meanwhile' }).where(eq(appUser.id, user.id));
			const [{ name }] = await db().select({ name: appUser.name }).from(appUser).where(eq(appUser.id, user.id));
			return new Response(`<p>${name}</p>`, { headers: { 'content-type': 'text/html' } });
		};
		await get(token, racing);
		const next = await get(token, racing);
		expect(calls.count).toBe(2);
		expect(next.body).toBe('<p>Changed meanwhile</p>');
	});

	it("keeps each person's pages to themselves, and each address apart (a client-side navigation's data too)", async () => {
		const ann = await signedIn();
		const bob = await signedIn('lead');
		const { calls, handler } = page();
		await get(ann.token, handler);
		await get(bob.token, handler);
		await get(ann.token, handler, '/technologies/kafka?round=2');
		await get(ann.token, handler, '/technologies/kafka/__data.json');
		expect(calls.count).toBe(4);
		await get(ann.token, handler);
		await get(bob.token, handler);
		expect(calls.count).toBe(4);
	});

	it('keeps no page that set a cookie, failed, redirected or is not on its list, and nothing for the signed out', async () => {
		const { token } = await signedIn();
		for (const init of [
			{ headers: { 'set-cookie': 'other=1' } },
			{ status: 500 },
			{ status: 303, headers: { location: '/' } },
			{ headers: { 'content-type': 'text/csv' } },
			// A data request whose load failed is answered 200 with an error inside; handleError marks the request.
			{ statusText: 'failed', headers: { 'content-type': 'application/json' } }
		] as ResponseInit[]) {
			const { calls, handler } = page(init);
			await get(token, handler);
			await get(token, handler);
			expect(calls.count, JSON.stringify(init)).toBe(2);
		}
		const { calls, handler } = page();
		await get(token, handler, '/backlog', '/(app)/backlog');
		await get(token, handler, '/backlog', '/(app)/backlog');
		expect(calls.count).toBe(2);
		const long = `/technologies/kafka?q=${'x'.repeat(2_100)}`;
		await get(token, handler, long);
		await get(token, handler, long);
		expect(calls.count).toBe(4);
		const anonymous = await get('not-a-session', handler);
		expect(anonymous.status).toBe(303);
		expect(calls.count).toBe(4);
	});

	it('keeps at most 64 MB, letting the least recently used page go first, and never one page over 4 MB', async () => {
		const { token } = await signedIn();
		const calls = { count: 0 };
		let body = 'x'.repeat(3.9 * 1024 * 1024);
		const handler = async () => {
			calls.count++;
			await demoAccountsExist();
			return new Response(body, { headers: { 'content-type': 'text/html' } });
		};
		const at = (i: number) => get(token, handler, `/technologies/t${i}`);
		// Sixteen pages of 3.9 MB fit under 64 MB.
		for (let i = 0; i < 16; i++) await at(i);
		await at(0);
		expect(calls.count).toBe(16);
		// The seventeenth does not: the least recently used (t1, since t0 was just served) leaves, and only it.
		await at(16);
		await at(0);
		await at(2);
		expect(calls.count).toBe(17);
		await at(1);
		expect(calls.count).toBe(18);
		body = 'x'.repeat(4.1 * 1024 * 1024);
		await at(99);
		await at(99);
		expect(calls.count).toBe(20);
	});

	it('keeps at most 5,000 pages, however small', async () => {
		const { token } = await signedIn();
		const { calls, handler } = page();
		const at = (i: number) => get(token, handler, `/technologies/t${i}`);
		for (let i = 0; i <= 5_000; i++) await at(i);
		expect(calls.count).toBe(5_001);
		// The first one stored left to make room for the last; the second stayed.
		await at(1);
		expect(calls.count).toBe(5_001);
		await at(0);
		expect(calls.count).toBe(5_002);
	});

	it('renders afresh once a page is MAX_AGE_MS old, so wording about dates cannot lag longer', async () => {
		const { token } = await signedIn();
		const { calls, handler } = page();
		const now = performance.now();
		const clock = vi.spyOn(performance, 'now').mockReturnValue(now);
		await get(token, handler);
		clock.mockReturnValue(now + MAX_AGE_MS - 1);
		await get(token, handler);
		expect(calls.count).toBe(1);
		// One past the limit: (now + MAX_AGE_MS) - now can round either side of MAX_AGE_MS.
		clock.mockReturnValue(now + MAX_AGE_MS + 1);
		await get(token, handler);
		expect(calls.count).toBe(2);
		clock.mockRestore();
	});

	it("renders afresh once the demo banner's answer is read again (it is kept in memory, not in the snapshot)", async () => {
		const { token } = await signedIn();
		const { calls, handler } = page();
		await get(token, handler);
		await get(token, handler);
		expect(calls.count).toBe(1);
		// Demo removal on this instance forgets the answer; on another, this one's answer ages out.
		forgetDemoAccounts();
		await get(token, handler);
		await get(token, handler);
		expect(calls.count).toBe(3);
		const clock = vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 30_001);
		await get(token, handler);
		clock.mockRestore();
		expect(calls.count).toBe(4);
	});

	it('still sends a refreshed session cookie with a page served from the cache, and lets a sign-out win', async () => {
		const { token } = await signedIn();
		const { calls, handler } = page();
		const cookie = `${SESSION_COOKIE}=${token}`;
		// Half-used: the next request slides it, and its cookie follows every response for a day (session.ts: sendCookie).
		await db()
			.update(session)
			.set({ createdAt: new Date(Date.now() - 20 * 86_400_000), expiresAt: new Date(Date.now() + 2 * 86_400_000) })
			.where(eq(session.id, hashToken(token)));
		// The slide writes the session, which no page shows: the page is served as stored, with the cookie.
		for (let i = 0; i < 3; i++) expect((await get(token, handler)).cookies).toEqual([cookie]);
		expect(calls.count).toBe(1);
		const signingOut = () =>
			Promise.resolve(new Response('', { status: 303, headers: { location: '/login', 'set-cookie': `${SESSION_COOKIE}=; Max-Age=0` } }));
		expect((await get(token, signingOut, '/logout', '/(auth)/logout')).cookies).toEqual([`${SESSION_COOKIE}=; Max-Age=0`]);
	});
});

describe('page cache during a live round', () => {
	it('keeps stored pages through other people’s draft saves, and renders the author’s own afresh', async () => {
		const author = await signedIn();
		const other = await signedIn();
		const { save } = await draftOf(author.user.id);
		const { calls, handler } = page();
		await get(other.token, handler);
		await get(author.token, handler, '/', '/(app)');
		expect(calls.count).toBe(2);
		for (let v = 0; v < 5; v++) await save(v, (v % 5) + 1);
		await get(other.token, handler);
		expect(calls.count).toBe(2);
		await get(author.token, handler, '/', '/(app)');
		expect(calls.count).toBe(3);
	});
});
