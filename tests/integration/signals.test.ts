import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { round, signal, signalKind, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { technologyPage } from '../../src/lib/server/views/technology-page';
import { roundReport } from '../../src/lib/server/views/report';
import * as techPage from '../../src/routes/(app)/technologies/[slug]/+page.server';
import * as factsImport from '../../src/routes/(app)/technologies/import/facts/+page.server';
import { fetchEndOfLifeData, signalQueues } from '../../src/lib/server/jobs/signal-jobs';
import { getWebhookPolicy, saveWebhookPolicy } from '../../src/lib/server/queries/settings';
import { useTestDatabase } from '../helpers/db';
import { createUserRow } from '../helpers/factories';
import { api, tokenFor } from '../helpers/api-client';
import { hasAlertmanager, startAlertmanager } from '../helpers/alertmanager';
import { fakeEvent, run } from '../helpers/event';

useTestDatabase();
let lead: SessionUser, viewer: SessionUser, leadWrite: string, viewerRead: string;

beforeAll(async () => {
	await seedDemoIfEmpty();
	lead = await createUserRow('lead');
	viewer = await createUserRow('viewer');
	[leadWrite, viewerRead] = await Promise.all([tokenFor(lead, 'write'), tokenFor(viewer, 'read')]);
});

const restore = '/api/v1/technologies/kafka/signals/last-restore-test';
const historyOf = async (slug: string, key: string) => {
	const [t] = await db().select().from(technology).where(eq(technology.slug, slug));
	const [k] = await db().select().from(signalKind).where(eq(signalKind.key, key));
	return db()
		.select()
		.from(signal)
		.where(and(eq(signal.technologyId, t.id), eq(signal.kindId, k.id)));
};

describe('facts through the API', () => {
	it('records an observation once however often it is sent, and keeps the history of new ones', async () => {
		const body = { date: '2026-07-18', observedAt: '2026-12-01T08:00:00Z', detail: 'restore drill, ticket OPS-12' };
		const first = await api('PUT', restore, { token: leadWrite, json: body });
		expect(first.status).toBe(201);
		expect(first.body).toMatchObject({ technology: 'kafka', vector: 'recoverability', date: '2026-07-18', source: 'api' });
		expect(first.body.text).toMatch(/^Last successful restore test: \d+ days ago \(2026-07-18\)$/);
		expect((await api('PUT', restore, { token: leadWrite, json: body })).status).toBe(200);
		// Without a time, the same fact as the newest is not recorded again; a new one is.
		expect((await api('PUT', restore, { token: leadWrite, json: { date: '2026-07-18', detail: body.detail } })).status).toBe(200);
		expect((await api('PUT', restore, { token: leadWrite, json: { date: '2026-11-20' } })).status).toBe(201);
		expect(await historyOf('kafka', 'last-restore-test')).toHaveLength(2);
		const read = await api('GET', restore, { token: viewerRead });
		expect(read.body.items.map((i: { date: string }) => i.date)).toEqual(['2026-11-20', '2026-07-18']);
	});

	it('names what it refuses: the wrong figure for the kind, an unknown kind, a reader’s token', async () => {
		const wrong = await api('PUT', restore, { token: leadWrite, json: { value: 3 } });
		expect(wrong.status).toBe(400);
		expect(wrong.body.detail).toBe('Last successful restore test is a date: send date (YYYY-MM-DD), not value.');
		expect((await api('PUT', '/api/v1/technologies/kafka/signals/no-such-kind', { token: leadWrite, json: { value: 1 } })).status).toBe(
			404
		);
		expect((await api('PUT', restore, { token: leadWrite, json: { date: '2026-02-30' } })).status).toBe(400);
		expect((await api('PUT', restore, { token: viewerRead, json: { date: '2026-11-20' } })).status).toBe(403);
		// What PostgreSQL cannot store, or what has not happened yet, is refused by name, never a 500.
		for (const json of [
			{ date: '0000-01-01' },
			{ date: '2026-11-20', observedAt: '0001-01-01T00:00:00+01:00' },
			{ date: '2999-01-01' },
			{ date: '2026-11-20', observedAt: '2999-01-01T00:00:00Z' }
		]) {
			const refused = await api('PUT', restore, { token: leadWrite, json });
			expect(refused.status, JSON.stringify(json)).toBe(400);
		}
		const nul = [{ cycle: '3.6', eol: '2024-09-26', latest: '3.6.2\u0000' }];
		expect((await api('PUT', '/api/v1/technologies/kafka/end-of-life', { token: leadWrite, json: nul })).status).toBe(400);
		expect(
			(await api('PUT', '/api/v1/technologies/kafka/end-of-life', { token: leadWrite, json: [{ cycle: '3', eol: '0000-01-01' }] })).status
		).toBe(400);
	});
});

describe('facts beside the vectors', () => {
	it('show on the technology page and in the report, and a median two levels from them is flagged for calibration', async () => {
		const page = (await technologyPage(lead, 'kafka', null))!;
		const median = page.selected!.result!.vectors.recoverability.median!;
		// Long ago suggests level 0, today level 5: whichever is two levels or more from the median.
		const far = median >= 2 ? '2020-01-01' : new Date().toISOString().slice(0, 10);
		await api('PUT', restore, { token: leadWrite, json: { date: far } });
		const after = (await technologyPage(lead, 'kafka', null))!;
		expect(after.facts.recoverability).toMatchObject({ disagrees: true });
		expect(after.facts.recoverability.facts[0]).toMatchObject({ kind: 'last-restore-test', source: 'API' });
		// The open round's report shows today's facts; the closed round's is judged on the day it closed, before this one.
		const [open] = await db().select({ id: round.id }).from(round).where(eq(round.state, 'open'));
		const openReport = (await roundReport(open.id, { seesNames: true }))!;
		expect(openReport.technologies.find((t) => t.slug === 'kafka')!.facts.recoverability.facts[0].kind).toBe('last-restore-test');
		const closedReport = (await roundReport(after.selected!.id, { seesNames: true }))!;
		expect(closedReport.technologies.find((t) => t.slug === 'kafka')!.facts.recoverability).toBeUndefined();
	});
});

describe('end-of-life data', () => {
	it('arrives from an uploaded file in endoflife.date’s shape, matched to the running version', async () => {
		await db().update(technology).set({ runningVersion: '3.6.1' }).where(eq(technology.slug, 'kafka'));
		const cycles = JSON.stringify([
			{ cycle: '3.7', releaseDate: '2024-02-27', eol: '2025-03-18', latest: '3.7.2' },
			{ cycle: '3.6', releaseDate: '2023-10-10', eol: '2024-09-26', latest: '3.6.2' }
		]);
		const upload = (text: string) =>
			run(
				techPage.actions.endOfLife,
				fakeEvent({ user: lead, params: { slug: 'kafka' }, form: [['file', new File([text], 'kafka.json')]] })
			);
		expect(await upload(cycles)).toMatchObject({ kind: 'data', data: { endOfLife: expect.stringMatching(/ago \(2024-09-26\)$/) } });
		const [fact] = await historyOf('kafka', 'end-of-life');
		expect(fact).toMatchObject({
			valueDate: '2024-09-26',
			source: 'endoflife',
			detail: 'runs 3.6.1, cycle 3.6 ends 2024-09-26; latest 3.6.2'
		});
		expect(await upload('{"cycle": "3.6"}')).toMatchObject({ kind: 'failure', status: 400 });
		expect(await upload('[{"cycle": "2.8", "eol": "2023-01-01"}]')).toMatchObject({
			kind: 'failure',
			data: { endOfLifeProblem: expect.stringMatching(/No release cycle matches Kafka's running version 3.6.1/) }
		});
	});
});

describe('end-of-life data fetched daily', () => {
	let server: Server;
	let base = '';
	beforeAll(async () => {
		server = createServer((req, res) => {
			if (req.url === '/postgresql.json')
				res
					.writeHead(200, { 'content-type': 'application/json' })
					.end(JSON.stringify([{ cycle: '16', eol: '2028-11-09', latest: '16.6' }]));
			else res.writeHead(500).end();
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(() => new Promise((r) => server.close(r)));

	it('from each technology’s address, under the webhooks’ rule for private addresses; a failure leaves the fact as it was', async () => {
		expect(signalQueues().map((q) => [q.name, q.cron])).toEqual([['end-of-life-fetch', '17 4 * * *']]);
		await db()
			.update(technology)
			.set({ runningVersion: '16.4', endOfLifeUrl: `${base}/postgresql.json` })
			.where(eq(technology.slug, 'postgresql'));
		await db()
			.update(technology)
			.set({ runningVersion: '7.2', endOfLifeUrl: `${base}/broken.json` })
			.where(eq(technology.slug, 'redis'));
		// A loopback address is private: refused until an admin allows private targets.
		expect(await fetchEndOfLifeData()).toEqual({ recorded: 0, failed: 2 });
		expect(await historyOf('postgresql', 'end-of-life')).toEqual([]);
		const admin = await createUserRow('admin');
		expect(await saveWebhookPolicy(admin.id, (await getWebhookPolicy()).version, { allowPrivateTargets: true })).toBe('saved');
		expect(await fetchEndOfLifeData()).toEqual({ recorded: 1, failed: 1 });
		expect(await historyOf('postgresql', 'end-of-life')).toMatchObject([
			{ valueDate: '2028-11-09', source: 'endoflife', recordedBy: null }
		]);
		expect(await historyOf('redis', 'end-of-life')).toEqual([]);
		// The same data tomorrow adds nothing.
		await fetchEndOfLifeData();
		expect(await historyOf('postgresql', 'end-of-life')).toHaveLength(1);
	});
});

describe('facts from a CSV', () => {
	const importCsv = (csv: string) =>
		run(factsImport.actions.default, fakeEvent({ user: lead, form: [['file', new File([csv], 'facts.csv')]] }));

	it('records every line, or none when a line is refused, naming each refused line', async () => {
		const refused = await importCsv(
			'technology,kind,value,date,observed_at,detail\nredis,incidents-90d,2,,,\nredis,incidents-90d,,2026-01-01,,\nghost,firing-alerts,1,,,\n'
		);
		expect(refused).toMatchObject({ kind: 'failure', status: 400 });
		const problems = (refused as unknown as { data: { problems: string[] } }).data.problems;
		expect(problems).toEqual([
			'Line 3: Incidents in the last 90 days is a number: send value, not date.',
			'Line 4: no technology has the slug "ghost".'
		]);
		expect(await historyOf('redis', 'incidents-90d')).toEqual([]);
		const ok = await importCsv(
			'technology,kind,value,date,observed_at,detail\nredis,incidents-90d,2,,2026-12-01,from PagerDuty\nredis,runbook-updated,,2026-10-01,,\n'
		);
		expect(ok).toMatchObject({ kind: 'data', data: { recorded: 2, unchanged: 0 } });
		expect(
			await importCsv('technology,kind,value,date,observed_at,detail\nredis,incidents-90d,2,,2026-12-01,from PagerDuty\n')
		).toMatchObject({
			data: { recorded: 0, unchanged: 1 }
		});
	});
});

describe('Alertmanager’s webhook, sent by hand', () => {
	const send = (alerts: unknown[]) =>
		api('POST', '/api/v1/signals/alertmanager', { token: leadWrite, json: { version: '4', status: 'firing', alerts } });
	const alert = (fingerprint: string, labels: Record<string, string>, status = 'firing') => ({
		status,
		labels,
		startsAt: '0000-01-01T00:00:00Z',
		fingerprint
	});

	it('takes one fingerprint twice in a notification, and a label named like an object’s own, without a 500', async () => {
		const twice = await send([alert('dup', { technology: 'docker' }), alert('dup', { technology: 'docker' }, 'resolved')]);
		expect(twice.body).toEqual({ technologies: [{ slug: 'docker', firing: 0 }], ignored: 0 });
		expect((await send([alert('odd', { constructor: 'docker' })])).body).toEqual({ technologies: [], ignored: 1 });
		expect((await send([alert('nul', { technology: 'docker\u0000' })])).status).toBe(400);
		expect((await send([alert('bad fingerprint!', { technology: 'docker' })])).status).toBe(400);
	});
});

describe.runIf(hasAlertmanager)('Alertmanager', () => {
	let server: Server;
	let alertmanager: Awaited<ReturnType<typeof startAlertmanager>>;
	const received: number[] = [];

	beforeAll(async () => {
		// The webhook arrives over HTTP from the real sender and goes through the app's hooks as it was sent.
		server = createServer((req: IncomingMessage, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				void api(req.method!, req.url!, {
					body: Buffer.concat(chunks).toString(),
					headers: { authorization: req.headers.authorization ?? '', 'content-type': req.headers['content-type'] ?? '' }
				}).then((answer) => {
					received.push(answer.status);
					res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
				});
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const { port } = server.address() as AddressInfo;
		alertmanager = await startAlertmanager(`http://127.0.0.1:${port}/api/v1/signals/alertmanager`, leadWrite);
	});
	afterAll(async () => {
		await alertmanager?.stop();
		await new Promise((r) => server?.close(r));
	});

	const firing = async (slug: string) => {
		const rows = await historyOf(slug, 'firing-alerts');
		return rows.sort((a, b) => +b.observedAt - +a.observedAt)[0]?.valueNumber ?? null;
	};

	it('counts firing alerts per technology by its label, and counts down when one resolves', { timeout: 30_000 }, async () => {
		const disk = { alertname: 'DiskFull', technology: 'postgresql', severity: 'page' };
		await alertmanager.fire(disk);
		await alertmanager.fire({ alertname: 'ReplicationLag', technology: 'postgresql' });
		// By name too, in any case; and an alert about nothing we know is left alone.
		await alertmanager.fire({ alertname: 'QueueFull', technology: 'RabbitMQ' });
		await alertmanager.fire({ alertname: 'NodeDown' });
		await expect.poll(() => firing('postgresql'), { timeout: 10_000, interval: 200 }).toBe(2);
		await expect.poll(() => firing('rabbitmq'), { timeout: 10_000, interval: 200 }).toBe(1);
		await alertmanager.resolve(disk);
		await expect.poll(() => firing('postgresql'), { timeout: 10_000, interval: 200 }).toBe(1);
		expect(received.length).toBeGreaterThanOrEqual(3);
		expect(received.every((s) => s === 200)).toBe(true);
		const [fact] = (await technologyPage(lead, 'postgresql', null))!.facts.operability.facts;
		expect(fact).toMatchObject({ kind: 'firing-alerts', text: 'Alerts firing: 1 alert', source: 'Alertmanager' });
	});
});
