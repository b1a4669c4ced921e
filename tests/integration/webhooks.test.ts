import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signDelivery, verifyDelivery, WEBHOOK_EVENTS } from '../../src/lib/domain/webhooks';
import { db } from '../../src/lib/server/db';
import { webhookDelivery } from '../../src/lib/server/db/schema';
import { getWebhookPolicy } from '../../src/lib/server/queries/settings';
import { deliverWebhook } from '../../src/lib/server/webhooks/deliver';
import { guardedLookup, isPrivateAddress, urlProblem } from '../../src/lib/server/webhooks/target';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as page from '../../src/routes/(app)/admin/webhooks/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createTeamRow, createTechnologyRow, createUserRow } from '../helpers/factories';
import { api, tokenFor } from '../helpers/api-client';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';

useTestDatabase();

/** A receiver on loopback that checks each delivery's signature as a real one would, and answers as told. */
type Received = { event: string; delivery: string; verdict: string; body: { type: string; data: Record<string, unknown> } };
const received: Received[] = [];
let answerWith = 204;
/** How long the receiver holds its answer: keeps one delivery in flight while a test starts another. */
let answerAfter = 0;
let secret = '';
const server = http.createServer((req, res) => {
	let body = '';
	req.on('data', (c) => (body += c));
	req.on('end', () => {
		const verdict = verifyDelivery(secret, String(req.headers['opsmaturity-signature']), body, Math.floor(Date.now() / 1000));
		received.push({
			event: String(req.headers['opsmaturity-event']),
			delivery: String(req.headers['opsmaturity-delivery']),
			verdict,
			body: JSON.parse(body)
		});
		res.statusCode = verdict === 'ok' ? answerWith : 401;
		setTimeout(() => res.end(), answerAfter);
	});
});
let url = '';
let admin: SessionUser, lead: SessionUser, member: SessionUser;

async function pending() {
	return db().select().from(webhookDelivery).where(eq(webhookDelivery.status, 'pending'));
}
/** What the queue would do: one attempt at each pending delivery. */
async function deliverPending() {
	for (const d of await pending()) await deliverWebhook(d.id).catch(() => {});
}

beforeAll(async () => {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	admin = await createUserRow('admin');
	lead = await createUserRow('lead');
	const team = await createTeamRow('Hooks team');
	member = await createUserRow('member', { teamIds: [team.id] });
	await createTechnologyRow('Hooked Queue', team.id);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('webhook targets', () => {
	it('refuses loopback, private and link-local addresses unless allowed', () => {
		for (const a of [
			'127.0.0.1',
			'10.1.2.3',
			'172.20.0.1',
			'192.168.1.1',
			'169.254.169.254',
			'::1',
			'fd00::1',
			'fe80::1',
			'::ffff:127.0.0.1',
			'0.0.0.0'
		])
			expect(isPrivateAddress(a), a).toBe(true);
		for (const a of ['93.184.216.34', '2606:2800:220:1::1', '8.8.8.8']) expect(isPrivateAddress(a), a).toBe(false);
		for (const a of ['::a9fe:a9fe', '2002:7f00:1::1', 'fec0::1', '64:ff9b:1::a9fe:a9fe']) expect(isPrivateAddress(a), a).toBe(true);
		expect(urlProblem('http://127.0.0.1:9/x', false)).toMatch(/private network/);
		expect(urlProblem('http://localhost/x', false)).toMatch(/private network/);
		expect(urlProblem('http://127.0.0.1:9/x', true)).toBeNull();
		expect(urlProblem('ftp://example.com/', false)).toMatch(/https/);
		expect(urlProblem('https://user:pw@example.com/', false)).toMatch(/password/);
	});

	it('checks the addresses a name resolves to at connection time, so DNS cannot swap in a private one later', async () => {
		const lookup = (allow: boolean) =>
			new Promise<string>((resolve) =>
				guardedLookup(allow)('localhost', { all: false }, (error, address) => resolve(error ? error.message : String(address)))
			);
		expect(await lookup(false)).toMatch(/resolves to (127\.0\.0\.1|::1), a private or loopback address/);
		expect(await lookup(true)).toMatch(/^(127\.0\.0\.1|::1)$/);
	});

	it('an admin adds one only to an allowed address, and sees its secret once', async () => {
		const add = (form: Record<string, string | string[]>) => run(page.actions.create, fakeEvent({ user: admin, form }));
		expect(await add({ url, events: ['round.opened'] })).toMatchObject({
			status: 400,
			data: { errors: { url: expect.stringMatching(/private/) } }
		});
		expect(await add({ url: 'https://hooks.example.com/x', events: [] })).toMatchObject({
			status: 400,
			data: { errors: { events: expect.any(String) } }
		});
		expect(await run(page.actions.create, fakeEvent({ user: lead, form: { url } }))).toMatchObject({ status: 403 });
		const policy = await getWebhookPolicy();
		await run(page.actions.policy, fakeEvent({ user: admin, form: { version: String(policy.version), allowPrivateTargets: 'on' } }));
		const created = dataOf<{ created: { secret: string } }>(await add({ url, events: [...WEBHOOK_EVENTS] }));
		secret = created.created.secret;
		expect(secret).toMatch(/^whsec_/);
		const shown = dataOf<{ webhooks: object[] }>(await run(page.load, fakeEvent({ user: admin })));
		expect(JSON.stringify(shown)).not.toContain(secret);
	});
});

describe('deliveries', () => {
	it('tell a loopback receiver of each event, signed, through the API’s round from open to backlog edit', async () => {
		const leadToken = await tokenFor(lead, 'write');
		const memberToken = await tokenFor(member, 'write');
		const round = (await api('POST', '/api/v1/rounds', { token: leadToken, json: { name: 'Hooked round' } })).body;
		await api('POST', `/api/v1/rounds/${round.id}/technologies`, { token: leadToken, json: { technologies: ['hooked-queue'] } });
		await api('POST', `/api/v1/rounds/${round.id}/open`, { token: leadToken });
		const answers = Object.fromEntries(AGILE_OPERATIONS_V1.vectors.map((v) => [v.key, { score: 1 }]));
		expect(
			(
				await api('POST', `/api/v1/rounds/${round.id}/technologies/hooked-queue/response/submit`, {
					token: memberToken,
					json: { version: 0, answers }
				})
			).status
		).toBe(200);
		await api('POST', `/api/v1/rounds/${round.id}/close`, { token: leadToken });
		const item = (await api('GET', '/api/v1/backlog?technology=hooked-queue&limit=1', { token: leadToken })).body.items[0];
		await api('PATCH', `/api/v1/backlog/${item.id}`, {
			token: leadToken,
			json: { status: 'done' },
			headers: { 'if-match': (await api('GET', `/api/v1/backlog/${item.id}`, { token: leadToken })).headers.get('etag')! }
		});

		expect((await pending()).map((d) => d.event)).toEqual(['round.opened', 'response.submitted', 'round.closed', 'backlog.item.changed']);
		await deliverPending();
		expect(received.map((r) => [r.event, r.verdict])).toEqual([
			['round.opened', 'ok'],
			['response.submitted', 'ok'],
			['round.closed', 'ok'],
			['backlog.item.changed', 'ok']
		]);
		expect(received[1].body.data).toMatchObject({ round: { id: round.id }, technology: { slug: 'hooked-queue' }, respondentId: member.id });
		expect(received[3].body.data).toMatchObject({ item: { id: item.id }, changes: { status: { before: 'open', after: 'done' } } });
		expect(new Set(received.map((r) => r.delivery)).size).toBe(4);
		expect(await pending()).toEqual([]);
	});

	it('retries a delivery the receiver refused, keeps its answer in the log, and gives up after the last attempt', async () => {
		received.length = 0;
		answerWith = 503;
		const hookId = dataOf<{ webhooks: { id: number }[] }>(await run(page.load, fakeEvent({ user: admin }))).webhooks[0].id;
		await run(page.actions.ping, fakeEvent({ user: admin, form: { webhookId: String(hookId) } }));
		const [ping] = await pending();
		// Two jobs for one delivery (the sweep's and the original, say) make one attempt, not two posts.
		// The receiver holds its answer, so the second job always starts while the first is posting:
		// without that, a fast first job could finish before the second claimed, and both would post.
		answerAfter = 500;
		const both = await Promise.allSettled([deliverWebhook(ping.id), deliverWebhook(ping.id)]);
		answerAfter = 0;
		expect(both.filter((r) => r.status === 'rejected')).toHaveLength(1);
		expect(received).toHaveLength(1);
		let [row] = await db().select().from(webhookDelivery).where(eq(webhookDelivery.id, ping.id));
		expect(row).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 503, lastError: 'answered 503' });
		for (let i = 2; i < 8; i++) await expect(deliverWebhook(ping.id)).rejects.toThrow(/answered 503/);
		await deliverWebhook(ping.id); // the eighth and last: no throw, no more retries
		[row] = await db().select().from(webhookDelivery).where(eq(webhookDelivery.id, ping.id));
		expect(row).toMatchObject({ status: 'failed', attempts: 8 });
		expect(received.every((r) => r.event === 'ping' && r.verdict === 'ok')).toBe(true);
		answerWith = 204;
	});

	it('refuses to connect to a private address once the admin setting is off, whatever the stored URL', async () => {
		const policy = await getWebhookPolicy();
		await run(page.actions.policy, fakeEvent({ user: admin, form: { version: String(policy.version) } }));
		received.length = 0;
		const hookId = dataOf<{ webhooks: { id: number }[] }>(await run(page.load, fakeEvent({ user: admin }))).webhooks[0].id;
		await run(page.actions.ping, fakeEvent({ user: admin, form: { webhookId: String(hookId) } }));
		const [ping] = await pending();
		await expect(deliverWebhook(ping.id)).rejects.toThrow(/private network/);
		expect(received).toEqual([]);
		const log = dataOf<{ deliveries: { id: number; lastError: string | null }[] }>(await run(page.load, fakeEvent({ user: admin })));
		expect(log.deliveries.find((d) => d.id === ping.id)?.lastError).toMatch(/private network/);
	});
});

describe('the signature', () => {
	it('is checked over the timestamp and the body, within the replay window', () => {
		const body = '{"type":"ping"}';
		const header = signDelivery('whsec_k', body, 1_000_000);
		expect(verifyDelivery('whsec_k', header, body, 1_000_100)).toBe('ok');
		expect(verifyDelivery('whsec_k', header, body.replace('ping', 'pong'), 1_000_100)).toBe('mismatch');
		expect(verifyDelivery('whsec_other', header, body, 1_000_100)).toBe('mismatch');
		expect(verifyDelivery('whsec_k', header.replace('t=1000000', 't=1000001'), body, 1_000_100)).toBe('mismatch');
		expect(verifyDelivery('whsec_k', header, body, 1_000_000 + 301)).toBe('expired');
		expect(verifyDelivery('whsec_k', 'garbage', body, 1_000_000)).toBe('malformed');
	});
});
