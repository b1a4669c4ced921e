import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { and, eq } from 'drizzle-orm';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { writeBackup } from '../../src/lib/server/db/backup';
import { auditLog, publishedRadar } from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { createSession, generateToken, SESSION_COOKIE, type SessionUser } from '../../src/lib/server/auth/session';
import * as page from '../../src/routes/(app)/admin/published-radar/+page.server';
import * as radarCsv from '../../src/routes/(app)/portfolio/radar.csv/+server';
import * as radarJson from '../../src/routes/(app)/portfolio/radar.json/+server';
import * as publishedCsv from '../../src/routes/published/radar/[token]/opsmaturity-radar.csv/+server';
import * as publishedJson from '../../src/routes/published/radar/[token]/opsmaturity-radar.json/+server';
import { byorProblems } from '../helpers/byor';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createUserRow } from '../helpers/factories';
import { throughHooks, type Handler } from '../helpers/through-hooks';

/**
 * A published radar address: an admin creates and revokes it, anyone holding it reads the same
 * radar files as the signed-in downloads without a session, from any origin, and nothing stored
 * (the database, a backup) holds a working link.
 */
const database = useTestDatabase();

const CSV_ROUTE = '/published/radar/[token]/opsmaturity-radar.csv';
const JSON_ROUTE = '/published/radar/[token]/opsmaturity-radar.json';

let admin: SessionUser;
let lead: SessionUser;
let viewer: SessionUser;

beforeAll(async () => {
	expect(await seedDemoIfEmpty()).toBe(true);
	admin = await createUserRow('admin');
	lead = await createUserRow('lead');
	viewer = await createUserRow('viewer');
});

const create = (user: SessionUser | null, name = 'Architecture guild') =>
	run(page.actions.create, fakeEvent({ user, form: { name }, url: '/admin/published-radar' }));
const revoke = (user: SessionUser, addressId: number) =>
	run(page.actions.revoke, fakeEvent({ user, form: { addressId: String(addressId) }, url: '/admin/published-radar' }));

type Created = { id: number; name: string; csv: string; json: string };

/** Creates an address as the admin: its id, its secret and the path of each file. */
async function published() {
	const created = dataOf<{ created: Created }>(await create(admin)).created;
	const csv = new URL(created.csv);
	const secret = /^\/published\/radar\/([^/]+)\/opsmaturity-radar\.csv$/.exec(csv.pathname)![1];
	return { ...created, secret, csvPath: csv.pathname, jsonPath: new URL(created.json).pathname };
}

/** A request as a browser on another site makes it: through every hook, no cookie unless given. */
const fetchAnonymously = (path: string, route: string, handler: Handler, cookies?: Record<string, string>) => {
	const token = path.split('/')[3];
	return throughHooks(path, route, handler, { params: { token }, cookies, headers: { origin: 'https://radar.example.com' } });
};

describe('a published radar address', () => {
	it('serves the signed-in radar files to a request without a cookie, readable from any origin', async () => {
		const link = await published();
		expect(link.secret).toMatch(/^[a-z2-7]{32}$/);

		const { response, event } = await fetchAnonymously(link.csvPath, CSV_ROUTE, publishedCsv.GET as Handler);
		expect(event.locals.user).toBeNull();
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(response.headers.get('access-control-allow-origin')).toBe('*');
		expect(response.headers.get('access-control-allow-credentials')).toBeNull();
		expect(response.headers.get('cache-control')).toBe('public, max-age=300');
		expect(response.headers.has('set-cookie')).toBe(false);
		const body = await response.text();
		const rows = Papa.parse<Record<string, string>>(body, { header: true, skipEmptyLines: true });
		expect(rows.meta.fields).toEqual(['name', 'ring', 'quadrant', 'isNew', 'description', 'status']);
		expect(rows.data.length).toBeGreaterThan(0);
		expect(byorProblems(rows.meta.fields!, rows.data)).toEqual([]);
		// The very file a signed-in viewer downloads.
		const signedIn = (await radarCsv.GET(fakeEvent({ user: viewer, url: '/portfolio/radar.csv' }))) as Response;
		expect(body).toBe(await signedIn.text());

		const asJson = await fetchAnonymously(link.jsonPath, JSON_ROUTE, publishedJson.GET as Handler);
		expect(asJson.response.status).toBe(200);
		expect(asJson.response.headers.get('access-control-allow-origin')).toBe('*');
		const signedInJson = (await radarJson.GET(fakeEvent({ user: viewer, url: '/portfolio/radar.json' }))) as Response;
		expect(await asJson.response.json()).toEqual(await signedInJson.json());

		// The admin page shows when it was last read, and never the hash.
		const listed = dataOf<{ addresses: Record<string, unknown>[] }>(
			await run(page.load, fakeEvent({ user: admin, url: '/admin/published-radar' }))
		);
		const row = listed.addresses.find((a) => a.id === link.id)!;
		expect(row).toMatchObject({ name: 'Architecture guild', prefix: link.secret.slice(0, 6), revokedAt: null });
		expect(row.lastFetchedAt).toBeInstanceOf(Date);
		expect(JSON.stringify(listed)).not.toMatch(/hash|[0-9a-f]{64}/i);
	});

	it('is the same file for someone who happens to be signed in, and sets no cookie', async () => {
		const link = await published();
		const token = generateToken();
		await createSession(token, viewer.id);
		const anonymous = await (await fetchAnonymously(link.csvPath, CSV_ROUTE, publishedCsv.GET as Handler)).response.text();
		const { response } = await fetchAnonymously(link.csvPath, CSV_ROUTE, publishedCsv.GET as Handler, { [SESSION_COOKIE]: token });
		expect(response.status).toBe(200);
		expect(await response.text()).toBe(anonymous);
		// Not to be kept by a shared cache as answered to a signed-in person.
		expect(response.headers.get('cache-control')).toBe('no-store');
	});

	it('answers 404 to an unknown or malformed address, still readable from any origin', async () => {
		for (const path of [
			`/published/radar/${generateToken()}/opsmaturity-radar.csv`,
			'/published/radar/not-a-secret/opsmaturity-radar.csv',
			`/published/radar/${'a'.repeat(5000)}/opsmaturity-radar.csv`,
			'/published/radar/%00%27/opsmaturity-radar.csv'
		]) {
			const { response } = await fetchAnonymously(path, CSV_ROUTE, publishedCsv.GET as Handler);
			expect(response.status, path.slice(0, 60)).toBe(404);
			expect(response.headers.get('access-control-allow-origin')).toBe('*');
			expect(await response.text()).toBe('There is no published radar at this address, or it was revoked.');
		}
	});

	it('only an admin creates or revokes one', async () => {
		expect(await create(lead)).toMatchObject({ kind: 'error', status: 403 });
		expect(await create(viewer)).toMatchObject({ kind: 'error', status: 403 });
		expect(await create(null)).toMatchObject({ kind: 'redirect', location: expect.stringMatching(/^\/login/) });
		const link = await published();
		expect(await revoke(lead, link.id)).toMatchObject({ kind: 'error', status: 403 });
		expect((await fetchAnonymously(link.csvPath, CSV_ROUTE, publishedCsv.GET as Handler)).response.status).toBe(200);
		// Bad input gets a message, not a 500.
		expect(await create(admin, ' ')).toMatchObject({ kind: 'failure', status: 400, data: { errors: { name: 'Name is required.' } } });
		expect(await create(admin, 'tab\there')).toMatchObject({ kind: 'failure', status: 400 });
		expect(await revoke(admin, 99_999_999_999)).toMatchObject({ kind: 'failure', status: 400 });
	});

	it('stops working once revoked, and both steps are in the audit log', async () => {
		const link = await published();
		expect(await revoke(admin, link.id)).toMatchObject({ kind: 'data', data: { revoked: link.id } });
		for (const [path, route, handler] of [
			[link.csvPath, CSV_ROUTE, publishedCsv.GET],
			[link.jsonPath, JSON_ROUTE, publishedJson.GET]
		] as const) {
			const { response } = await fetchAnonymously(path, route, handler as Handler);
			expect(response.status).toBe(404);
		}
		// Revoked is revoked: a second revocation finds nothing to do.
		expect(await revoke(admin, link.id)).toMatchObject({ kind: 'failure', status: 404 });

		const entries = await db()
			.select()
			.from(auditLog)
			.where(and(eq(auditLog.entity, 'published_radar'), eq(auditLog.entityId, String(link.id))))
			.orderBy(auditLog.id);
		expect(entries.map((e) => [e.action, e.actorId])).toEqual([
			['radar_link.create', admin.id],
			['radar_link.revoke', admin.id]
		]);
		expect(JSON.stringify(entries)).not.toContain(link.secret);
	});

	it('is stored as a hash only, so neither the database nor a backup holds a working link', async () => {
		const link = await published();
		const [row] = await db().select().from(publishedRadar).where(eq(publishedRadar.id, link.id));
		expect(row.tokenHash).toBe(createHash('sha256').update(link.secret).digest('hex'));
		expect(JSON.stringify(row)).not.toContain(link.secret);

		const out = new PassThrough();
		const chunks: Buffer[] = [];
		out.on('data', (c: Buffer) => chunks.push(c));
		await writeBackup(database.handle!.db, out);
		const backup = gunzipSync(Buffer.concat(chunks)).toString('utf8');
		expect(backup).toContain(row.tokenHash);
		expect(backup).not.toContain(link.secret);
	});
});
