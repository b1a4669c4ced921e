import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { env } from '#lib/server/env.ts';
import { eq, sql } from 'drizzle-orm';
import { handleError } from '../../src/hooks.server';
import { db } from '../../src/lib/server/db';
import { appUser } from '../../src/lib/server/db/schema';
import { metrics } from '../../src/lib/server/metrics';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as login from '../../src/routes/(auth)/login/+page.server';
import * as assess from '../../src/routes/(app)/rounds/[id=id]/assess/[slug]/+page.server';
import * as radarCsv from '../../src/routes/(app)/portfolio/radar.csv/+server';
import * as healthz from '../../src/routes/healthz/+server';
import * as metricsRoute from '../../src/routes/metrics/+server';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { useTestDatabase } from '../helpers/db';
import { throughHooks, type Handler } from '../helpers/through-hooks';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow } from '../helpers/factories';

useTestDatabase();

const TOKEN = 'metrics-token-for-tests-0123456789';

/** A request through the app's real hook chain (tests/helpers/through-hooks.ts). */
const request = throughHooks;

let out: string[] = [];
beforeEach(() => {
	out = [];
	vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
});
afterEach(() => {
	vi.restoreAllMocks();
	delete env.METRICS_TOKEN;
});
const lines = () => out.map((l) => JSON.parse(l) as Record<string, unknown>);

async function scrape(): Promise<string> {
	env.METRICS_TOKEN = TOKEN;
	const { response } = await request('/metrics', '/metrics', metricsRoute.GET, { headers: { authorization: `Bearer ${TOKEN}` } });
	expect(response.status).toBe(200);
	return response.text();
}

/** The value of one sample in the Prometheus text, 0 when the series does not exist yet. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
	const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
	const line = text.split('\n').find((l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && wanted.every((w) => l.includes(w)));
	return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe('request id and access log', () => {
	it('gives every request a fresh id, returned as x-request-id and in its one access line (route id, never the path)', async () => {
		const first = await request('/healthz?probe=secret-query', '/healthz', healthz.GET, {
			headers: { 'x-request-id': 'chosen-by-client' }
		});
		const second = await request('/healthz', '/healthz', healthz.GET);
		const id = first.response.headers.get('x-request-id');
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
		expect(id).toBe(first.event.locals.requestId);
		expect(second.response.headers.get('x-request-id')).not.toBe(id);
		const access = lines().filter((l) => l.msg === 'request');
		expect(access).toHaveLength(2);
		expect(access[0]).toMatchObject({ requestId: id, method: 'GET', route: '/healthz', status: 200, userId: null, level: 'info' });
		expect(typeof access[0].durationMs).toBe('number');
		expect(out.join('')).not.toContain('secret-query');
	});

	it('logs the signed-in user by id only', async () => {
		const user = await createUserRow('viewer', { email: 'logged@test.example' });
		const { createSession, generateToken } = await import('../../src/lib/server/auth/session');
		const token = generateToken();
		await createSession(token, user.id);
		await request('/healthz', '/healthz', healthz.GET, { cookies: { session: token } });
		expect(lines().find((l) => l.msg === 'request')).toMatchObject({ userId: user.id });
		expect(out.join('')).not.toContain('logged@test.example');
		expect(out.join('')).not.toContain(token);
	});

	it('puts the request id on an error response and on the error log line', async () => {
		const failing: Handler = async (event) => {
			const body = await handleError({ kind: 'unknown', error: new Error('kaput'), event });
			return Response.json(body, { status: 500 });
		};
		const { response } = await request('/login', '/(auth)/login', failing);
		const id = response.headers.get('x-request-id');
		expect(await response.json()).toEqual({ message: 'Something went wrong on our side.', id });
		expect(lines().find((l) => l.level === 'error')).toMatchObject({ requestId: id, err: { message: 'kaput' } });
		expect(lines().find((l) => l.msg === 'request')).toMatchObject({ requestId: id, status: 500 });
	});

	it('never logs a password hash, SQL parameters, a query string or a cookie, even from a failed query', async () => {
		const user = await createUserRow('member', { email: 'dup@test.example' });
		const [{ hash }] = await db().select({ hash: appUser.passwordHash }).from(appUser).where(eq(appUser.id, user.id));
		const failing: Handler = async (event) => {
			// A real DrizzleQueryError: its message and its `params` carry the email and the hash.
			const error = await db()
				.insert(appUser)
				.values({ email: 'dup@test.example', name: 'Dup', role: 'member', passwordHash: hash })
				.then(
					() => null,
					(e: unknown) => e
				);
			expect(String(error)).toContain('$argon2id$');
			return Response.json(await handleError({ kind: 'unknown', error, event }), { status: 500 });
		};
		await request('/invite/invitation-token-123?next=%2Fsecret-path', '/(auth)/invite/[token]', failing, {
			cookies: { session: 'cookie-value-abc' },
			headers: { cookie: 'session=cookie-value-abc' }
		});
		const text = out.join('');
		expect(lines().some((l) => l.level === 'error')).toBe(true);
		for (const secret of [hash, '$argon2', 'dup@test.example', 'secret-path', 'next=', 'cookie-value-abc', 'invitation-token-123'])
			expect(text).not.toContain(secret);
	});
});

describe('/metrics', () => {
	it('is not there without METRICS_TOKEN, and refuses a missing or wrong bearer token', async () => {
		expect((await request('/metrics', '/metrics', metricsRoute.GET)).response.status).toBe(404);
		env.METRICS_TOKEN = TOKEN;
		expect((await request('/metrics', '/metrics', metricsRoute.GET)).response.status).toBe(401);
		const wrong = await request('/metrics', '/metrics', metricsRoute.GET, { headers: { authorization: `Bearer ${TOKEN}x` } });
		expect(wrong.response.status).toBe(401);
		expect(await wrong.response.text()).not.toContain('http_request');
	});

	it('serves Prometheus text to the bearer: request histograms by route, database, pool and process metrics', async () => {
		await request('/healthz', '/healthz', healthz.GET);
		await createTechnologyRow('Metrics Redis');
		const text = await scrape();
		expect(sample(text, 'http_request_duration_seconds_count', { route: '/healthz', method: 'GET', status: '200' })).toBeGreaterThan(0);
		expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.005",route="\/healthz",method="GET",status="200"\}/);
		expect(sample(text, 'opsmaturity_db_query_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
		expect(sample(text, 'opsmaturity_db_pool_size')).toBe(process.env.TEST_DATABASE_URL ? 4 : 1);
		expect(text).toContain('opsmaturity_db_queries_in_flight');
		expect(text).toContain('process_resident_memory_bytes');
	});
});

describe('database metrics', () => {
	const gauge = async (g: { get(): Promise<{ values: { value: number }[] }> }) => (await g.get()).values[0]?.value ?? 0;
	const queries = async () =>
		(await metrics.dbQueryDuration.get()).values.find((v) => v.metricName?.endsWith('_count') && v.labels.outcome === 'ok')?.value ?? 0;

	it('time queries inside transactions and savepoints too, count open transactions, and settle every query in flight', async () => {
		const before = await queries();
		// Relative to what is open now: files that ran before in this worker may still have work settling.
		const [openBefore, inFlightBefore] = [await gauge(metrics.dbTransactionsOpen), await gauge(metrics.dbQueriesInFlight)];
		const seen: number[] = [];
		await db().transaction(async (tx) => {
			await tx.execute(sql`select 1`);
			seen.push(await gauge(metrics.dbTransactionsOpen));
			await tx.transaction(async (sp) => {
				await sp.execute(sql`select 2`);
			});
		});
		await db().execute(sql`select 3`);
		expect(seen).toEqual([openBefore + 1]);
		// On postgres.js begin/commit are queries too; on PGlite they are not: at least the three selects.
		expect((await queries()) - before).toBeGreaterThanOrEqual(3);
		expect(await gauge(metrics.dbTransactionsOpen)).toBe(openBefore);
		expect(await gauge(metrics.dbQueriesInFlight)).toBe(inFlightBefore);
	});
});

describe('application counters', () => {
	let member: SessionUser;
	let params: Record<string, string>;
	beforeAll(async () => {
		member = await createUserRow('member', { email: 'counted@test.example' });
		const tech = await createTechnologyRow('Counted Kafka');
		const r = await createRoundRow('open', [{ technologyId: tech.id, userIds: [member.id] }]);
		params = { id: String(r.id), slug: tech.slug };
	});

	it('counts a failed sign-in', async () => {
		const before = sample(await scrape(), 'opsmaturity_login_failures_total', { reason: 'wrong-credentials' });
		const outcome = await run(login.actions.default, fakeEvent({ form: { email: 'counted@test.example', password: 'not the password' } }));
		expect(outcome).toMatchObject({ kind: 'failure', status: 400 });
		expect(sample(await scrape(), 'opsmaturity_login_failures_total', { reason: 'wrong-credentials' })).toBe(before + 1);
	});

	it('counts autosaves by outcome', async () => {
		const before = await scrape();
		const form = { version: '0', vector: AGILE_OPERATIONS_V1.vectors.map((v) => v.key), 'score.operability': '3' };
		expect(dataOf(await run(assess.actions.save, fakeEvent({ user: member, params, form })))).toMatchObject({ saved: true });
		await run(assess.actions.save, fakeEvent({ user: member, params, form }));
		const after = await scrape();
		expect(sample(after, 'opsmaturity_autosaves_total', { outcome: 'saved' })).toBe(
			sample(before, 'opsmaturity_autosaves_total', { outcome: 'saved' }) + 1
		);
		expect(sample(after, 'opsmaturity_autosaves_total', { outcome: 'stale' })).toBe(
			sample(before, 'opsmaturity_autosaves_total', { outcome: 'stale' }) + 1
		);
	});

	it('counts and times an export once its body has been sent', async () => {
		const labels = { export: 'portfolio/radar.csv' };
		const before = sample(await scrape(), 'opsmaturity_export_duration_seconds_count', labels);
		const response = (await radarCsv.GET(fakeEvent({ user: member, url: '/portfolio/radar.csv' }))) as Response;
		expect(response.status).toBe(200);
		await response.text();
		const after = await scrape();
		expect(sample(after, 'opsmaturity_export_duration_seconds_count', labels)).toBe(before + 1);
		expect(sample(after, 'opsmaturity_exports_total', { ...labels, outcome: 'complete' })).toBeGreaterThan(0);
	});
});
