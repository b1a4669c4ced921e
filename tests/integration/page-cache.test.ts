import { performance } from 'node:perf_hooks';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { db } from '../../src/lib/server/db';
import { rowsOf } from '../../src/lib/server/db/client';
import { appUser, auditLog, loginFailure, session, team } from '../../src/lib/server/db/schema';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { saveDraft } from '../../src/lib/server/queries/draft-save';
import { submitResponse } from '../../src/lib/server/queries/responses';
import { createSession, generateToken, hashToken, SESSION_COOKIE, validateSessionToken } from '../../src/lib/server/auth/session';
import { clearPageCache, MAX_AGE_MS, UNSEEN_TABLES } from '../../src/lib/server/http/page-cache';
import { demoAccountsExist, forgetDemoAccounts } from '../../src/lib/server/queries/demo-data';
import { useTestDatabase } from '../helpers/db';
import { throughHooks } from '../helpers/through-hooks';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow } from '../helpers/factories';

useTestDatabase();
beforeEach(() => {
	clearPageCache();
	forgetDemoAccounts();
});

const TECHNOLOGY_PAGE = '/(app)/technologies/[slug]';

/** A signed-in person, and a page handler that counts how often it renders and what it rendered from. */
async function signedIn(role: 'member' | 'lead' = 'member') {
	const user = await createUserRow(role);
	const token = generateToken();
	await createSession(token, user.id);
	// Earlier pages have read the demo banner's answer: a page rendered while none was known is not kept.
	await demoAccountsExist();
	return { user, token };
}

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

describe('the page version read with the session', () => {
	async function draftFixture() {
		const { user: author, token: authorToken } = await signedIn();
		const { user: other, token: otherToken } = await signedIn();
		const tech = await createTechnologyRow(`Cached ${Date.now()}`);
		const open = await createRoundRow('open', [{ technologyId: tech.id, userIds: [author.id] }]);
		const version = async (token: string) => (await validateSessionToken(token))!.pageVersion;
		const save = (expected: number, score: number) =>
			saveDraft({ roundId: open.id, userId: author.id, slug: tech.slug }, expected, {
				stability: { score, dontKnow: false, comment: '', evidenceUrl: '' }
			});
		return { author, authorToken, other, otherToken, tech, open, version, save };
	}

	it('stays while only reads, sessions, sign-in failures and audit rows happen, and moves when a shown table is written', async () => {
		const { token } = await signedIn();
		const read = async () => (await validateSessionToken(token))!.pageVersion;
		const before = await read();
		await db().select().from(appUser);
		await db()
			.update(session)
			.set({ idToken: null })
			.where(eq(session.id, hashToken(token)));
		await db()
			.insert(loginFailure)
			.values({ key: `page-version-${Date.now()}` });
		await db().insert(auditLog).values({ action: 'test.unseen', entity: 'test' });
		expect(await read()).toBe(before);
		await db().execute(sql`update team set name = name where false`);
		await createTeamRow();
		const afterCommit = await read();
		expect(afterCommit).not.toBe(before);
		// Rolled back: nothing changed, so nothing moves.
		await db()
			.transaction(async (tx) => {
				await tx.execute(sql`update app_user set name = name`);
				tx.rollback();
			})
			.catch(() => {});
		expect(await read()).toBe(afterCommit);
	});

	it("moves for a draft's author alone, and for everyone once it is submitted", async () => {
		const { authorToken, otherToken, author, tech, open, version, save } = await draftFixture();
		const [authorBefore, otherBefore] = [await version(authorToken), await version(otherToken)];
		expect(await save(0, 2)).toMatchObject({ status: 'saved', version: 1 });
		expect(await save(1, 3)).toMatchObject({ status: 'saved', version: 2 });
		const authorAfterDrafts = await version(authorToken);
		expect(authorAfterDrafts).not.toBe(authorBefore);
		expect(await version(otherToken)).toBe(otherBefore);

		const scores = Object.fromEntries(
			AGILE_OPERATIONS_V1.vectors.map((v) => [v.key, { score: 3, dontKnow: false, comment: '', evidenceUrl: '' }])
		);
		const submitted = await submitResponse(
			{ roundId: open.id, technologyId: tech.id, userId: author.id },
			{ expectedVersion: 2, answers: scores, vectorKeys: AGILE_OPERATIONS_V1.vectors.map((v) => v.key) }
		);
		expect(submitted).toMatchObject({ status: 'saved', state: 'submitted' });
		expect(await version(otherToken)).not.toBe(otherBefore);
		expect(await version(authorToken)).not.toBe(authorAfterDrafts);
	});

	it('keeps stored pages through other people’s draft saves, and renders the author’s own afresh', async () => {
		const { authorToken, otherToken, save } = await draftFixture();
		const { calls, handler } = page();
		await get(otherToken, handler);
		await get(authorToken, handler, '/', '/(app)');
		expect(calls.count).toBe(2);
		for (let v = 0; v < 5; v++) await save(v, (v % 5) + 1);
		await get(otherToken, handler);
		expect(calls.count).toBe(2);
		await get(authorToken, handler, '/', '/(app)');
		expect(calls.count).toBe(3);
	});

	it.runIf(process.env.TEST_DATABASE_URL)(
		'lets two writers that cross each other commit, on PostgreSQL: the version is taken at the commit, never midway',
		async () => {
			const [a, b] = [await createTeamRow(), await createTeamRow()];
			const before = (await validateSessionToken((await signedIn()).token))!.pageVersion;
			// Which other backend waits for a lock now: each side goes on only once the other holds or waits.
			const waiting = async () =>
				rowsOf<{ n: number }>(
					await db().execute(
						sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'update "team"%'`
					)
				)[0].n;
			const until = async (ready: () => Promise<boolean> | boolean) => {
				for (let i = 0; i < 500 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 10));
			};
			let firstWrote = false;
			let secondWrote = false;
			const rename = (tx: Parameters<Parameters<ReturnType<typeof db>['transaction']>[0]>[0], id: number, name: string) =>
				tx.update(team).set({ name }).where(eq(team.id, id));
			const first = db().transaction(async (tx) => {
				await rename(tx, a.id, 'first a');
				firstWrote = true;
				// The second has renamed b (or, were the version taken midway, waits for it while holding b).
				await until(async () => secondWrote || (await waiting()) > 0);
				await rename(tx, b.id, 'first b');
			});
			const second = db().transaction(async (tx) => {
				await until(() => firstWrote);
				await rename(tx, b.id, 'second b');
				secondWrote = true;
				// Commits while the first waits for b.
				await until(async () => (await waiting()) > 0);
			});
			await Promise.all([first, second]);
			const [row] = await db().select({ name: team.name }).from(team).where(eq(team.id, b.id));
			expect(row.name).toBe('first b');
			expect((await validateSessionToken((await signedIn()).token))!.pageVersion.split(':')[0]).not.toBe(before.split(':')[0]);
		}
	);

	it('is moved by a write to every table but those no stored page reads', async () => {
		const rows = rowsOf<{ table: string; watched: boolean }>(
			await db().execute(sql`
				select c.relname as table, exists (select from pg_trigger g where g.tgrelid = c.oid and g.tgname = 'page_version') as watched
				from pg_class c join pg_namespace n on n.oid = c.relnamespace
				where n.nspname = 'public' and c.relkind = 'r' order by 1`)
		);
		// A table a later migration adds must be placed: watched (a trigger in its migration) or listed as unseen.
		expect(rows.filter((r) => !r.watched).map((r) => r.table)).toEqual(UNSEEN_TABLES);
		expect(rows.filter((r) => r.watched).length).toBeGreaterThan(20);
	});
});
