import { Validator } from '@seriousme/openapi-schema-validator';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../../src/lib/server/db';
import { apiToken, appUser, team, technology as technologyTable } from '../../src/lib/server/db/schema';
import { refreshResults } from '../../src/lib/server/queries/results';
import { changePassword } from '../../src/lib/server/queries/users';
import { createSession, generateToken, type SessionUser } from '../../src/lib/server/auth/session';
import * as tokensPage from '../../src/routes/(app)/account/tokens/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';
import { api, document, matchesDocument, tokenFor } from '../helpers/api-client';

useTestDatabase();

let lead: SessionUser, viewer: SessionUser;
let readToken: string;

beforeAll(async () => {
	lead = await createUserRow('lead');
	viewer = await createUserRow('viewer');
	const team = await createTeamRow('API team');
	for (const name of ['Alpha DB', 'Bravo Queue', 'Charlie Cache', 'Delta Mesh', 'Echo Proxy']) await createTechnologyRow(name, team.id);
	readToken = await tokenFor(lead, 'read');
});

describe('the OpenAPI document', () => {
	it('is valid OpenAPI 3.1 by a validator of its own', async () => {
		const result = await new Validator().validate(document as never);
		expect(result.errors ?? []).toEqual([]);
		expect(result.valid).toBe(true);
		expect(document.openapi).toBe('3.1.0');
	});

	it('checks bodies for real: a page without items does not match', () => {
		expect(() => matchesDocument('/technologies', 200, 'application/json', { nextCursor: null })).toThrow();
	});
});

describe('personal access tokens', () => {
	it('are shown once, stored only as a hash, listed by their first characters, and revocable', async () => {
		const token = await tokenFor(lead, 'write', 'CMDB sync');
		expect(token).toMatch(/^opsm_[a-z0-9]{32}$/);
		const rows = await db().select().from(apiToken).where(eq(apiToken.name, 'CMDB sync'));
		expect(rows[0].tokenHash).not.toContain(token.slice(5));
		const page = dataOf<{ tokens: { id: number; name: string; prefix: string }[] }>(await run(tokensPage.load, fakeEvent({ user: lead })));
		const listed = page.tokens.find((t) => t.name === 'CMDB sync')!;
		expect(listed.prefix).toBe(token.slice(5, 11));
		expect(JSON.stringify(page)).not.toContain(token.slice(5));
		expect((await api('GET', '/api/v1/teams', { token })).status).toBe(200);
		expect(dataOf(await run(tokensPage.actions.revoke, fakeEvent({ user: lead, form: { tokenId: String(listed.id) } })))).toEqual({
			revoked: listed.id
		});
		expect((await api('GET', '/api/v1/teams', { token })).status).toBe(401);
		// Someone else's token cannot be revoked by id.
		expect(await run(tokensPage.actions.revoke, fakeEvent({ user: viewer, form: { tokenId: String(listed.id) } }))).toMatchObject({
			status: 404
		});
	});

	it('go with a password change, are at most 20 live per person, and take the scheme in any case', async () => {
		const owner = await createUserRow('member');
		const token = await tokenFor(owner, 'read');
		expect((await api('GET', '/api/v1/teams', { headers: { authorization: `bearer  ${token}` } })).status).toBe(200);
		await changePassword(owner.id, 'not a real hash');
		expect((await api('GET', '/api/v1/teams', { token })).status).toBe(401);
		for (let i = 0; i < 20; i++) await tokenFor(owner, 'read');
		const over = await run(
			tokensPage.actions.create,
			fakeEvent({ user: owner, form: { name: 'one too many', scope: 'read', days: '30' } })
		);
		expect(over).toMatchObject({ kind: 'failure', status: 409, data: { errors: { form: expect.stringContaining('20 live tokens') } } });
	});

	it('cannot be scoped above the owner’s role', async () => {
		const out = await run(tokensPage.actions.create, fakeEvent({ user: viewer, form: { name: 'too much', scope: 'write', days: '30' } }));
		expect(out).toMatchObject({ kind: 'failure', status: 403, data: { errors: { scope: expect.stringContaining('viewer') } } });
		expect(await run(tokensPage.actions.create, fakeEvent({ user: viewer, form: { name: 'x', scope: 'read', days: '3' } }))).toMatchObject({
			status: 400,
			data: { errors: { days: expect.any(String) } }
		});
	});

	it('an expired token, or one whose owner is deactivated, gets 401', async () => {
		const expiring = await tokenFor(viewer, 'read', 'expiring');
		await db()
			.update(apiToken)
			.set({ expiresAt: new Date(Date.now() - 1000) })
			.where(eq(apiToken.name, 'expiring'));
		expect((await api('GET', '/api/v1/teams', { token: expiring })).status).toBe(401);
		const gone = await createUserRow('member');
		const goneToken = await tokenFor(gone, 'read');
		await db().update(appUser).set({ active: false }).where(eq(appUser.id, gone.id));
		const out = await api('GET', '/api/v1/teams', { token: goneToken });
		expect(out).toMatchObject({ status: 401, body: { title: 'Unauthorized', detail: expect.stringContaining('revoked or expired') } });
	});
});

describe('the API', () => {
	it('refuses a request without a token with 401 problem+json, and never takes the session cookie', async () => {
		const session = generateToken();
		await createSession(session, lead.id);
		const out = await api('GET', '/api/v1/technologies', { cookies: { session } });
		expect(out.status).toBe(401);
		expect(out.headers.get('content-type')).toBe('application/problem+json');
		expect(out.headers.get('www-authenticate')).toBe('Bearer');
	});

	it('lists technologies a page at a time by cursor, in slug order, each page as documented', async () => {
		const seen: string[] = [];
		let path = '/api/v1/technologies?limit=2';
		for (let pages = 0; pages < 10; pages++) {
			const out = await api('GET', path, { token: readToken });
			expect(out.status).toBe(200);
			seen.push(...out.body.items.map((t: { slug: string }) => t.slug));
			if (!out.body.nextCursor) break;
			path = `/api/v1/technologies?limit=2&cursor=${out.body.nextCursor}`;
		}
		expect(seen).toEqual(['alpha-db', 'bravo-queue', 'charlie-cache', 'delta-mesh', 'echo-proxy']);
		const filtered = await api('GET', '/api/v1/technologies?q=cache', { token: readToken });
		expect(filtered.body.items.map((t: { slug: string }) => t.slug)).toEqual(['charlie-cache']);
	});

	it('names each refused parameter in a 400', async () => {
		for (const [query, field] of [
			['limit=0', 'limit'],
			['limit=abc', 'limit'],
			['lifecycle=ancient', 'lifecycle'],
			['colour=red', 'colour'],
			['cursor=%2F%2F%2F', 'cursor'],
			['q=%00', 'q'],
			['limit=1&limit=2', 'limit'],
			['constructor=1', 'constructor']
		]) {
			const out = await api('GET', `/api/v1/technologies?${query}`, { token: readToken });
			expect(out.status, query).toBe(400);
			expect(
				out.body.errors.map((e: { field: string }) => e.field),
				query
			).toContain(field);
		}
	});

	it('gets one technology with its ETag, answers 304 when unchanged and 404 problem+json for an unknown slug', async () => {
		const out = await api('GET', '/api/v1/technologies/bravo-queue', { token: readToken });
		expect(out.status).toBe(200);
		expect(out.headers.get('etag')).toMatch(new RegExp(`^"${out.body.version}-[A-Za-z0-9_-]{16}"$`));
		const again = await api('GET', '/api/v1/technologies/bravo-queue', {
			token: readToken,
			headers: { 'if-none-match': out.headers.get('etag')! }
		});
		expect(again.status).toBe(304);
		// Renaming its team changes what the answer says, so the ETag changes although the technology did not.
		await db().update(team).set({ name: 'API team renamed' }).where(eq(team.name, 'API team'));
		const renamed = await api('GET', '/api/v1/technologies/bravo-queue', {
			token: readToken,
			headers: { 'if-none-match': out.headers.get('etag')! }
		});
		expect(renamed.status).toBe(200);
		expect(renamed.body.team.name).toBe('API team renamed');
		await db().update(team).set({ name: 'API team' }).where(eq(team.name, 'API team renamed'));
		const missing = await api('GET', '/api/v1/technologies/nope', { token: readToken });
		expect(missing.status).toBe(404);
	});

	it('lists teams as documented', async () => {
		const out = await api('GET', '/api/v1/teams', { token: readToken });
		expect(out.status).toBe(200);
		expect(out.body.items).toContainEqual({ id: expect.any(Number), name: 'API team', members: 0, technologies: 5 });
	});

	it('lists rounds and gives a round’s results, provisional until it closes, as documented', async () => {
		const [tech] = await db().select().from(technologyTable).where(eq(technologyTable.slug, 'alpha-db'));
		const member = await createUserRow('member');
		const r = await createRoundRow('open', [{ technologyId: tech.id, userIds: [member.id] }]);
		await submitResponseRow(r.id, tech.id, member.id, () => 3);
		await db().transaction((tx) => refreshResults(tx, { roundId: r.id }));
		const list = await api('GET', '/api/v1/rounds', { token: readToken });
		expect(list.body.items).toContainEqual(
			expect.objectContaining({ id: r.id, state: 'open', technologies: 1, assigned: 1, submitted: 1 })
		);
		const out = await api('GET', `/api/v1/rounds/${r.id}/results`, { token: readToken });
		expect(out.status).toBe(200);
		expect(out.body).toMatchObject({ provisional: true, items: [{ technology: 'alpha-db', rating: 3, level: 3, submitted: 1 }] });
		expect(JSON.stringify(out.body)).not.toContain(member.name);
		const missing = await api('GET', '/api/v1/rounds/999999/results', { token: readToken });
		expect(missing.status).toBe(404);
	});

	it('lists the token owner’s own open assessments, most urgent first', async () => {
		const [tech] = await db().select().from(technologyTable).where(eq(technologyTable.slug, 'delta-mesh'));
		const scorer = await createUserRow('member');
		const r = await createRoundRow('open', [{ technologyId: tech.id, userIds: [scorer.id] }]);
		const out = await api('GET', '/api/v1/me/assignments', { token: await tokenFor(scorer, 'read') });
		expect(out.status).toBe(200);
		expect(out.body.items).toEqual([
			{
				round: { id: r.id, name: r.name, dueDate: null },
				technology: { slug: 'delta-mesh', name: 'Delta Mesh' },
				state: 'not started',
				answered: 0
			}
		]);
		// Someone else's token sees their own, not these.
		expect((await api('GET', '/api/v1/me/assignments', { token: readToken })).body.items).not.toContainEqual(
			expect.objectContaining({ technology: { slug: 'delta-mesh', name: 'Delta Mesh' } })
		);
	});

	it('limits a person to 600 requests a minute, whatever the token, with 429 and Retry-After', async () => {
		const busy = await createUserRow('viewer');
		const [first, second] = [await tokenFor(busy, 'read'), await tokenFor(busy, 'read')];
		// The limit counts per clock minute: the clock stands still here, so the test never straddles two.
		vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-12-01T12:00:10Z') });
		let over;
		try {
			// A request that refuses its parameter still counts: the cheapest way to spend the allowance.
			for (let i = 0; i < 600; i++) expect((await api('GET', '/api/v1/teams?x=1', { token: i % 2 ? first : second })).status).toBe(400);
			over = await api('GET', '/api/v1/teams', { token: first });
		} finally {
			vi.useRealTimers();
		}
		expect(over.status).toBe(429);
		expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(over.body).toMatchObject({ title: 'Too Many Requests', status: 429 });
		// Someone else is not held back by it.
		expect((await api('GET', '/api/v1/teams', { token: readToken })).status).toBe(200);
	});

	it('answers an unknown operation with 404 problem+json', async () => {
		const out = await api('GET', '/api/v1/nothing-here', { token: readToken });
		expect(out.status).toBe(404);
		expect(out.headers.get('content-type')).toBe('application/problem+json');
		expect(out.body).toMatchObject({ title: 'Not Found', status: 404, detail: expect.stringContaining('/api/v1/openapi.json') });
	});

	it('records when a token was last used', async () => {
		const [row] = await db()
			.select({ used: apiToken.lastUsedAt })
			.from(apiToken)
			.where(sql`${apiToken.prefix} = ${readToken.slice(5, 11)}`);
		expect(row.used).not.toBeNull();
	});
});
