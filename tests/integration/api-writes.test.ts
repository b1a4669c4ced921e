import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { db } from '../../src/lib/server/db';
import { auditLog, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { useTestDatabase } from '../helpers/db';
import { api, documentedOperations, reached, tokenFor } from '../helpers/api-client';
import { createApiPeople } from '../helpers/api-people';

// Journeys through the API's writes, then the contract: every documented operation reached. Hostile bodies are in api-hostile-bodies.test.ts.

useTestDatabase();

const VECTORS = AGILE_OPERATIONS_V1.vectors.map((v) => v.key);
let lead: SessionUser, member: SessionUser;
let leadWrite: string, leadRead: string, memberWrite: string, outsiderWrite: string;
let teamId: number;

beforeAll(async () => {
	({ teamId, lead, member, leadWrite, leadRead, memberWrite, outsiderWrite } = await createApiPeople());
});

describe('technologies through the API', () => {
	it('creates one with 201, Location and ETag, and names what it refuses', async () => {
		const created = await api('POST', '/api/v1/technologies', {
			token: leadWrite,
			json: { name: 'Postgres Main', category: 'Database', team: teamId, links: { docs: 'https://docs.example/pg' } }
		});
		expect(created.status).toBe(201);
		expect(created.headers.get('location')).toBe('/api/v1/technologies/postgres-main');
		expect(created.headers.get('etag')).toMatch(/^"1-/);
		expect(created.body).toMatchObject({
			slug: 'postgres-main',
			category: 'database',
			lifecycle: 'production',
			targetLevel: 3,
			team: { id: teamId }
		});
		const refused = async (json: unknown, field: string, status = 400) => {
			const out = await api('POST', '/api/v1/technologies', { token: leadWrite, json });
			expect(out.status, JSON.stringify(json)).toBe(status);
			expect(out.body.errors.map((e: { field: string }) => e.field)).toContain(field);
		};
		await refused({ name: 'Postgres Main', category: 'database' }, 'slug', 409);
		await refused({ name: 'Ghost', category: 'x', team: 999999 }, 'team');
		await refused({ name: 'Ghost', category: 'x', colour: 'red' }, 'colour');
		await refused({ name: 'Ghost', category: 'x', targetLevel: 6 }, 'targetLevel');
		await refused({ name: 'Ghost', category: 'x', links: { docs: 'javascript:alert(1)' } }, 'links.docs');
		await refused({ name: 42, category: 'x' }, 'name');
		await refused([], 'body');
		expect(await db().select().from(technology).where(eq(technology.name, 'Ghost'))).toEqual([]);
	});

	it('refuses malformed, oversized and non-JSON bodies with 400, 413 and 415 problems', async () => {
		const malformed = await api('POST', '/api/v1/technologies', {
			token: leadWrite,
			body: '{"name": ',
			headers: { 'content-type': 'application/json' }
		});
		expect(malformed).toMatchObject({ status: 400, body: { errors: [{ field: 'body' }] } });
		const form = await api('POST', '/api/v1/technologies', {
			token: leadWrite,
			body: 'name=x',
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		expect(form.status).toBe(415);
		const huge = await api('POST', '/api/v1/technologies', { token: leadWrite, json: { name: 'x'.repeat(600_000), category: 'x' } });
		expect(huge.status).toBe(413);
		expect(huge.headers.get('content-type')).toBe('application/problem+json');
	});

	it('changes a technology only with the ETag last read: 428 without, 412 when stale', async () => {
		const read = await api('GET', '/api/v1/technologies/postgres-main', { token: leadRead });
		const etag = read.headers.get('etag')!;
		expect((await api('PATCH', '/api/v1/technologies/postgres-main', { token: leadWrite, json: { targetLevel: 4 } })).status).toBe(428);
		const changed = await api('PATCH', '/api/v1/technologies/postgres-main', {
			token: leadWrite,
			json: { targetLevel: 4, description: 'Primary store' },
			headers: { 'if-match': etag }
		});
		expect(changed.status).toBe(200);
		expect(changed.body).toMatchObject({ targetLevel: 4, description: 'Primary store', name: 'Postgres Main', version: 2 });
		expect(changed.body.links).toEqual({ docs: 'https://docs.example/pg' });
		const stale = await api('PATCH', '/api/v1/technologies/postgres-main', {
			token: leadWrite,
			json: { targetLevel: 1 },
			headers: { 'if-match': etag }
		});
		expect(stale.status).toBe(412);
		expect((await api('GET', '/api/v1/technologies/postgres-main', { token: leadRead })).body.targetLevel).toBe(4);
		// A read token cannot write, whatever its owner's role.
		expect(
			(
				await api('PATCH', '/api/v1/technologies/postgres-main', {
					token: leadRead,
					json: {},
					headers: { 'if-match': changed.headers.get('etag')! }
				})
			).status
		).toBe(403);
	});

	it('upserts by slug all or nothing, saying what was created, updated and left unchanged', async () => {
		const items = [
			{ slug: 'postgres-main', name: 'Postgres Main', category: 'database', targetLevel: 4 },
			{ slug: 'kafka', name: 'Kafka', category: 'messaging', team: teamId },
			{ slug: 'redis', name: 'Redis', category: 'cache', description: 'Sessions' }
		];
		const bad = await api('PATCH', '/api/v1/technologies', {
			token: leadWrite,
			json: { items: [...items, { slug: 'Bad Slug', name: 'x', category: 'x' }] }
		});
		expect(bad.status).toBe(400);
		expect(bad.body.errors[0].field).toBe('items.3.slug');
		const twice = await api('PATCH', '/api/v1/technologies', { token: leadWrite, json: { items: [...items, items[1]] } });
		expect(twice.body.errors[0].field).toBe('items.3.slug');
		const noTeam = await api('PATCH', '/api/v1/technologies', { token: leadWrite, json: { items: [{ ...items[1], team: 999999 }] } });
		expect(noTeam).toMatchObject({ status: 400, body: { errors: [{ field: 'items.team' }] } });
		expect(await db().select().from(technology).where(eq(technology.slug, 'kafka'))).toEqual([]);
		const out = await api('PATCH', '/api/v1/technologies', { token: leadWrite, json: { items } });
		expect(out.body).toEqual({ created: ['kafka', 'redis'], updated: [], unchanged: ['postgres-main'] });
		const again = await api('PATCH', '/api/v1/technologies', {
			token: leadWrite,
			json: { items: [{ slug: 'redis', name: 'Redis', category: 'cache', lifecycle: 'deprecated' }] }
		});
		expect(again.body).toEqual({ created: [], updated: ['redis'], unchanged: [] });
		const redis = await api('GET', '/api/v1/technologies/redis', { token: leadRead });
		// Fields left out of an update keep their value.
		expect(redis.body).toMatchObject({ lifecycle: 'deprecated', description: 'Sessions', version: 2 });
		// Links given replace the stored ones: an empty set clears them.
		await api('PATCH', '/api/v1/technologies', {
			token: leadWrite,
			json: { items: [{ slug: 'redis', name: 'Redis', category: 'cache', links: { docs: 'https://redis.example/docs' } }] }
		});
		expect((await api('GET', '/api/v1/technologies/redis', { token: leadRead })).body.links).toEqual({
			docs: 'https://redis.example/docs'
		});
		const cleared = await api('PATCH', '/api/v1/technologies', {
			token: leadWrite,
			json: { items: [{ slug: 'redis', name: 'Redis', category: 'cache', links: {} }] }
		});
		expect(cleared.body.updated).toEqual(['redis']);
		expect((await api('GET', '/api/v1/technologies/redis', { token: leadRead })).body.links).toEqual({});
	});
});

describe('a round through the API, from creation to backlog', () => {
	let roundId: number;

	it('creates a round, scopes it and opens it, refusing steps out of order', async () => {
		expect((await api('POST', '/api/v1/rounds', { token: memberWrite, json: { name: 'Q1' } })).status).toBe(403);
		const created = await api('POST', '/api/v1/rounds', { token: leadWrite, json: { name: 'API round', dueDate: '2027-03-31' } });
		expect(created.status).toBe(201);
		roundId = created.body.id;
		expect(created.body).toMatchObject({ state: 'draft', dueDate: '2027-03-31', technologies: 0 });
		expect((await api('POST', '/api/v1/rounds', { token: leadWrite, json: { name: 'API round' } })).status).toBe(409);
		expect(
			(await api('POST', '/api/v1/rounds', { token: leadWrite, json: { name: 'x', dueDate: '2027-02-30' } })).body.errors[0].field
		).toBe('dueDate');
		expect((await api('POST', `/api/v1/rounds/${roundId}/open`, { token: leadWrite })).status).toBe(409);
		const unknown = await api('POST', `/api/v1/rounds/${roundId}/technologies`, {
			token: leadWrite,
			json: { technologies: ['kafka', 'nope'] }
		});
		expect(unknown).toMatchObject({ status: 400, body: { errors: [{ field: 'technologies.1' }] } });
		const scoped = await api('POST', `/api/v1/rounds/${roundId}/technologies`, { token: leadWrite, json: { technologies: ['kafka'] } });
		expect(scoped.body).toMatchObject({ technologies: 1, assigned: 1 });
		const opened = await api('POST', `/api/v1/rounds/${roundId}/open`, { token: leadWrite });
		expect(opened.body.state).toBe('open');
		expect((await api('POST', `/api/v1/rounds/${roundId}/open`, { token: leadWrite })).status).toBe(409);
		const got = await api('GET', `/api/v1/rounds/${roundId}`, { token: leadRead });
		expect(got.body).toEqual(opened.body);
		expect((await api('GET', '/api/v1/rounds/999999', { token: leadRead })).status).toBe(404);
	});

	it('saves and submits one’s own answers with the version, as the form does', async () => {
		const path = `/api/v1/rounds/${roundId}/technologies/kafka/response`;
		const empty = await api('GET', path, { token: memberWrite });
		expect(empty.body).toMatchObject({ state: 'draft', version: 0, answers: {} });
		expect((await api('GET', path, { token: outsiderWrite })).status).toBe(403);
		const first = await api('PUT', path, {
			token: memberWrite,
			json: { version: 0, answers: { [VECTORS[0]]: { score: 3, comment: 'ok' } } }
		});
		expect(first.status).toBe(200);
		expect(first.body).toMatchObject({ version: 1, answers: { [VECTORS[0]]: { score: 3, dontKnow: false, comment: 'ok' } } });
		const stale = await api('PUT', path, { token: memberWrite, json: { version: 0, answers: { [VECTORS[0]]: { score: 1 } } } });
		expect(stale).toMatchObject({ status: 409, body: { version: 1 } });
		const badVector = await api('PUT', path, { token: memberWrite, json: { version: 1, answers: { nonsense: { score: 1 } } } });
		expect(badVector.body.errors[0].field).toBe('answers.nonsense');
		const badScore = await api('PUT', path, { token: memberWrite, json: { version: 1, answers: { [VECTORS[1]]: { score: 7 } } } });
		expect(badScore.body.errors[0].field).toBe(`answers.${VECTORS[1]}.score`);
		const both = await api('PUT', path, {
			token: memberWrite,
			json: { version: 1, answers: { [VECTORS[1]]: { score: 2, dontKnow: true } } }
		});
		expect(both.status).toBe(400);
		expect((await api('PUT', path, { token: outsiderWrite, json: { version: 0, answers: {} } })).status).toBe(403);
		// A read-scoped token cannot score.
		expect((await api('PUT', path, { token: await tokenFor(member, 'read'), json: { version: 1, answers: {} } })).status).toBe(403);

		const incomplete = await api('POST', `${path}/submit`, {
			token: memberWrite,
			json: { version: 1, answers: { [VECTORS[1]]: { score: null, dontKnow: true } } }
		});
		expect(incomplete.status).toBe(422);
		expect(incomplete.body.errors).toHaveLength(VECTORS.length - 2);
		expect(incomplete.body.version).toBe(2);
		const rest = Object.fromEntries(VECTORS.slice(2).map((k) => [k, { score: 1 }]));
		const submitted = await api('POST', `${path}/submit`, { token: memberWrite, json: { version: 2, answers: rest } });
		expect(submitted.status).toBe(200);
		expect(submitted.body).toMatchObject({ state: 'submitted', version: 3 });
		expect(Object.keys(submitted.body.answers)).toHaveLength(VECTORS.length);
		const after = await api('PUT', path, { token: memberWrite, json: { version: 3, answers: {} } });
		expect(after.status).toBe(409);
	});

	it('closes the round, lists its backlog and edits an item only with its current ETag', async () => {
		const closed = await api('POST', `/api/v1/rounds/${roundId}/close`, { token: leadWrite });
		expect(closed.body.state).toBe('closed');
		// The round has fewer respondents than the anonymity threshold: its items show to those who may see names, and a
		// read-only token acts as a viewer.
		const list = await api('GET', '/api/v1/backlog?technology=kafka&limit=5', { token: leadWrite });
		expect(list.status).toBe(200);
		expect(list.body.total).toBeGreaterThan(0);
		const item = list.body.items[0];
		const one = await api('GET', `/api/v1/backlog/${item.id}`, { token: leadWrite });
		expect(one.body).toEqual(item);
		const etag = one.headers.get('etag')!;
		expect((await api('GET', `/api/v1/backlog/${item.id}`, { token: leadWrite, headers: { 'if-none-match': etag } })).status).toBe(304);
		// A viewer is not told the item exists: its figures are one or two people's scores.
		expect((await api('GET', `/api/v1/backlog/${item.id}`, { token: leadRead })).status).toBe(404);
		const patch = (json: unknown, headers: Record<string, string> = {}) =>
			api('PATCH', `/api/v1/backlog/${item.id}`, { token: leadWrite, json, headers });
		expect((await patch({ status: 'in_progress' })).status).toBe(428);
		expect((await patch({ assignee: 999999 }, { 'if-match': etag })).body.errors[0].field).toBe('assignee');
		const done = await patch({ status: 'in_progress', assignee: member.id, ticketUrl: 'https://jira.example/OPS-1' }, { 'if-match': etag });
		expect(done.status).toBe(200);
		expect(done.body).toMatchObject({
			status: 'in_progress',
			assignee: { id: member.id },
			ticketUrl: 'https://jira.example/OPS-1',
			version: item.version + 1
		});
		expect((await patch({ status: 'done' }, { 'if-match': etag })).status).toBe(412);
		expect(
			(
				await api('PATCH', `/api/v1/backlog/${item.id}`, {
					token: memberWrite,
					json: {},
					headers: { 'if-match': done.headers.get('etag')! }
				})
			).status
		).toBe(403);
		const audit = await db().select().from(auditLog).where(eq(auditLog.action, 'backlog.update'));
		expect(audit.some((a) => a.entityId === String(item.id) && a.actorId === lead.id)).toBe(true);
	});

	it('serves the report files with the same rules as the report page', async () => {
		// Data files need the lead role, so a write token: a read token acts as a viewer.
		expect((await api('GET', `/api/v1/rounds/${roundId}/files/report.json`, { token: leadRead })).status).toBe(403);
		const json = await api('GET', `/api/v1/rounds/${roundId}/files/report.json`, { token: leadWrite });
		expect(json.status).toBe(200);
		expect(json.body.round.name).toBe('API round');
		const csv = await api('GET', `/api/v1/rounds/${roundId}/files/scores.csv`, { token: leadWrite });
		expect(csv.headers.get('content-type')).toContain('text/csv');
		expect((await api('GET', `/api/v1/rounds/${roundId}/files/scores.csv`, { token: memberWrite })).status).toBe(403);
		const pdf = await api('GET', `/api/v1/rounds/${roundId}/files/report.pdf`, { token: memberWrite });
		expect(pdf.status).toBe(200);
		expect(pdf.body.slice(0, 5)).toBe('%PDF-');
		expect((await api('GET', `/api/v1/rounds/${roundId}/files/secrets.txt`, { token: leadWrite })).status).toBe(404);
	});
});

describe('the contract', () => {
	it('every documented operation was called and answered as documented', async () => {
		// The reads api.test.ts examines closely, called here too, so one file reaches every operation.
		expect((await api('GET', '/api/v1/technologies?limit=2', { token: leadRead })).status).toBe(200);
		expect((await api('GET', '/api/v1/teams', { token: leadRead })).status).toBe(200);
		expect((await api('GET', '/api/v1/tech-radar', { token: leadRead })).status).toBe(200);
		expect((await api('GET', '/api/v1/me/assignments', { token: memberWrite })).status).toBe(200);
		const [latest] = (await api('GET', '/api/v1/rounds', { token: leadRead })).body.items;
		expect((await api('GET', `/api/v1/rounds/${latest.id}/results`, { token: leadRead })).status).toBe(200);
		// The facts' ways in; signals.test.ts examines them closely.
		const restore = '/api/v1/technologies/postgres-main/signals/last-restore-test';
		const put = await api('PUT', restore, { token: leadWrite, json: { date: '2026-11-30' } });
		expect(put.status, JSON.stringify(put.body)).toBe(201);
		expect((await api('GET', restore, { token: leadRead })).body.items).toHaveLength(1);
		const cycles = [{ cycle: '16', eol: '2028-11-09', latest: '16.6' }];
		const eol = '/api/v1/technologies/postgres-main/end-of-life';
		expect((await api('PUT', eol, { token: leadWrite, json: cycles })).status).toBe(422);
		const { headers } = await api('GET', '/api/v1/technologies/postgres-main', { token: leadRead });
		const running = { runningVersion: '16.4' };
		const patched = await api('PATCH', '/api/v1/technologies/postgres-main', {
			token: leadWrite,
			json: running,
			headers: { 'if-match': headers.get('etag')! }
		});
		expect(patched.body).toMatchObject(running);
		expect((await api('PUT', eol, { token: leadWrite, json: cycles })).body).toMatchObject({ date: '2028-11-09', source: 'endoflife' });
		const alert = {
			version: '4',
			status: 'firing',
			alerts: [{ status: 'firing', labels: { technology: 'postgres-main' }, startsAt: '2026-12-07T10:00:00.123456789Z', fingerprint: 'f1' }]
		};
		expect((await api('POST', '/api/v1/signals/alertmanager', { token: leadWrite, json: alert })).body).toEqual({
			technologies: [{ slug: 'postgres-main', firing: 1 }],
			ignored: 0
		});
		expect(documentedOperations().filter((op) => !reached.has(op))).toEqual([]);
	});
});
