import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { migrateDatabase, openDatabase, rowsOf, type DatabaseHandle, type DatabaseOptions } from '../../src/lib/server/db/client';
import { db, useDatabase } from '../../src/lib/server/db';
import { BackupError, batchLines, MAX_LINE_BYTES, writeBackup } from '../../src/lib/server/db/backup';
import { restoreBackup } from '../../src/lib/server/db/restore';
import { appUser, auditLog, invitation, loginFailure, round, session, team, technology } from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { recordAudit } from '../../src/lib/server/queries/audit';
import { computeResults } from '../../src/lib/server/queries/results';
import * as technologyPage from '../../src/routes/(app)/technologies/[slug]/+page.server';
import * as portfolioPage from '../../src/routes/(app)/portfolio/+page.server';
import * as backupRoute from '../../src/routes/(app)/admin/backup/+server';
import { withDatabase } from '../helpers/global-setup';
import { dataOf, fakeEvent, run as runLoad } from '../helpers/event';
import { checksums, editBackup, gzipLines, peakMemory, runBackupCommand, withoutTransient } from '../helpers/backup-files';

/**
 * Backup → restore across both databases: embedded → PostgreSQL → embedded, every table compared
 * by checksum, the restored app answering the same, the refusals, and the CLI's exit codes.
 */
const PG_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const dir = mkdtempSync(path.join(tmpdir(), 'opsm-backup-test-'));
const file = (name: string) => path.join(dir, name);
const pgDatabases: string[] = [];
const handles: DatabaseHandle[] = [];

async function privatePostgres(): Promise<{ handle: DatabaseHandle; options: DatabaseOptions; url: string }> {
	const name = `opsm_backup_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
	const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	await admin.end();
	pgDatabases.push(name);
	const url = withDatabase(PG_URL, name);
	const options: DatabaseOptions = { kind: 'postgres', url, max: 4 };
	const handle = await openDatabase(options);
	handles.push(handle);
	return { handle, options, url };
}

/** A migrated embedded database with the framework, as the app leaves it at first start. */
async function templatePglite() {
	const options: DatabaseOptions = { kind: 'pglite', loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) };
	const handle = await openDatabase(options);
	handles.push(handle);
	return { handle, options };
}

async function freshPglite() {
	const options: DatabaseOptions = { kind: 'pglite' };
	const handle = await openDatabase(options);
	handles.push(handle);
	return { handle, options };
}

const restoreInto = (target: { handle: DatabaseHandle; options: DatabaseOptions }, from: string, force = false) =>
	restoreBackup(target.handle.db, createReadStream(from), { force, migrate: () => migrateDatabase(target.options, target.handle) });

/** What people see: results of every round, a technology page and the portfolio, as the admin. */
async function appView(handle: DatabaseHandle) {
	useDatabase(handle);
	try {
		const [admin] = await db().select().from(appUser).where(eq(appUser.email, 'admin@example.com'));
		const user = { id: admin.id, email: admin.email, name: admin.name, role: admin.role };
		const rounds = await db().select({ id: round.id }).from(round).orderBy(round.id);
		const results = await Promise.all(rounds.map((r) => computeResults({ roundId: r.id })));
		const kafka = dataOf(await runLoad(technologyPage.load, fakeEvent({ user, params: { slug: 'kafka' }, url: '/technologies/kafka' })));
		const portfolio = dataOf(await runLoad(portfolioPage.load, fakeEvent({ user, url: '/portfolio' })));
		return { results, kafka, portfolio };
	} finally {
		useDatabase(undefined);
	}
}

let source: DatabaseHandle;
let sourceSums: Record<string, string>;
let sourceHeader: Awaited<ReturnType<typeof writeBackup>>;

beforeAll(async () => {
	// The embedded database as a team runs it: demo data, plus the awkward values a backup must keep.
	source = (await templatePglite()).handle;
	useDatabase(source);
	await seedDemoIfEmpty();
	const [admin] = await db().select().from(appUser).where(eq(appUser.email, 'admin@example.com'));
	const teams = await db().select({ id: team.id }).from(team);
	await db()
		.update(technology)
		.set({
			description: `Quotes "double" and 'single', back\\slash, new\nline, tab\t, ünïcødé 🚀, \u2028 separator, <b>html</b>`,
			links: { docs: 'https://example.com/a?b=1&c="2"', runbook: 'https://example.com/ü' }
		})
		.where(eq(technology.slug, 'kafka'));
	await db()
		.insert(invitation)
		.values({
			tokenHash: 'b'.repeat(64),
			email: 'new@example.com',
			role: 'member',
			teamIds: teams.slice(0, 2).map((t) => t.id),
			createdBy: admin.id,
			expiresAt: new Date('2031-02-03T04:05:06.789Z')
		});
	await db()
		.insert(session)
		.values({ id: 'a'.repeat(64), userId: admin.id, expiresAt: new Date(Date.now() + 86_400_000) });
	await db().insert(loginFailure).values({ key: 'someone@example.com|127.0.0.1' });
	await recordAudit(db(), {
		actorId: admin.id,
		action: 'team.rename',
		entity: 'team',
		entityId: teams[0].id,
		before: { name: 'A' },
		after: { name: 'B' }
	});
	useDatabase(undefined);
	sourceSums = await checksums(source);
	sourceHeader = await writeBackup(source.db, createWriteStream(file('embedded.ndjson.gz')));
}, 120_000);

afterAll(async () => {
	useDatabase(undefined);
	for (const h of handles) await h.close().catch(() => {});
	const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
	for (const name of pgDatabases) await admin.unsafe(`drop database if exists ${name} with (force)`);
	await admin.end();
	rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore', () => {
	let pg: Awaited<ReturnType<typeof privatePostgres>>;

	it('moves the embedded database to PostgreSQL: every table identical, the app answering the same', { timeout: 120_000 }, async () => {
		const header = sourceHeader;
		expect(header).toMatchObject({ format: 'opsmaturity-backup', version: 1, database: 'pglite' });
		expect(header.migrations.map((m) => m.tag)).toContain('0000_init');
		expect(header.tables.map((t) => t.name)).not.toContain('session');
		// Parents come before the tables that point at them.
		const order = header.tables.map((t) => t.name);
		expect(order.indexOf('app_user')).toBeLessThan(order.indexOf('response'));
		expect(order.indexOf('response')).toBeLessThan(order.indexOf('answer'));

		pg = await privatePostgres();
		const restored = await restoreInto(pg, file('embedded.ndjson.gz'));
		expect(restored.skipped).toEqual([]);
		const sums = await checksums(pg.handle);
		expect(withoutTransient(sums)).toEqual(withoutTransient(sourceSums));
		// Sessions and login failures stay behind: nobody is signed in on the new server.
		expect([sums.session, sums.login_failure]).toEqual(['0 d41d8cd98f00b204e9800998ecf8427e', '0 d41d8cd98f00b204e9800998ecf8427e']);
		expect(await appView(pg.handle)).toEqual(await appView(source));

		// Sequences continue after the restored ids.
		useDatabase(pg.handle);
		const [{ max }] = rowsOf<{ max: number }>(await db().execute(sql`select max(id)::int as max from team`));
		const [created] = await db().insert(team).values({ name: 'After restore' }).returning();
		expect(created.id).toBe(max + 1);
		await db().delete(team).where(eq(team.id, created.id));
		useDatabase(undefined);
	});

	it('moves PostgreSQL back to the embedded database, identical again', { timeout: 120_000 }, async () => {
		const header = await writeBackup(pg.handle.db, createWriteStream(file('postgres.ndjson.gz')));
		expect(header.database).toBe('postgres');
		const target = await freshPglite();
		await restoreInto(target, file('postgres.ndjson.gz'));
		expect(withoutTransient(await checksums(target.handle))).toEqual(withoutTransient(sourceSums));
		expect(await appView(target.handle)).toEqual(await appView(source));
	});

	it('refuses a database that holds data, and replaces it all with --force', async () => {
		const before = await checksums(pg.handle);
		await expect(restoreInto(pg, file('embedded.ndjson.gz'))).rejects.toThrow(/not empty .*--force/);
		expect(await checksums(pg.handle)).toEqual(before);

		useDatabase(pg.handle);
		await db().insert(team).values({ name: 'Made after the backup' });
		const [admin] = await db().select().from(appUser).where(eq(appUser.email, 'admin@example.com'));
		await db()
			.insert(session)
			.values({ id: 'c'.repeat(64), userId: admin.id, expiresAt: new Date(Date.now() + 86_400_000) });
		useDatabase(undefined);
		await restoreInto(pg, file('embedded.ndjson.gz'), true);
		const sums = await checksums(pg.handle);
		expect(withoutTransient(sums)).toEqual(withoutTransient(sourceSums));
		expect(sums.session.startsWith('0 ')).toBe(true);
	});

	it('refuses a backup from a newer schema or format, and a damaged one, leaving the target untouched', { timeout: 120_000 }, async () => {
		editBackup(file('embedded.ndjson.gz'), file('newer.ndjson.gz'), (h) => {
			(h.migrations as unknown[]).push({ tag: '9999_future', hash: 'f'.repeat(64), when: 4_000_000_000_000 });
		});
		editBackup(file('embedded.ndjson.gz'), file('format2.ndjson.gz'), (h) => (h.version = 2));
		const whole = readFileSync(file('embedded.ndjson.gz'));
		writeFileSync(file('truncated.ndjson.gz'), whole.subarray(0, Math.floor(whole.length * 0.8)));
		writeFileSync(file('not-a-backup.gz'), gzipSync('{"hello":"world"}\n'));

		const target = await templatePglite();
		const before = await checksums(target.handle);
		await expect(restoreInto(target, file('newer.ndjson.gz'))).rejects.toThrow(/newer schema.*9999_future/);
		await expect(restoreInto(target, file('format2.ndjson.gz'))).rejects.toThrow(/format version 2/);
		await expect(restoreInto(target, file('not-a-backup.gz'))).rejects.toThrow(BackupError);
		await expect(restoreInto(target, file('truncated.ndjson.gz'), true)).rejects.toThrow(/Cannot read the backup file/);
		// The damaged file failed half-way through the rows: all of it rolled back, the --force emptying included.
		expect(await checksums(target.handle)).toEqual(before);
	});

	it('refuses a line longer than any backup holds without reading it whole: 200 MB in ~200 KB of gzip', { timeout: 120_000 }, async () => {
		const MiB = 1024 * 1024;
		await gzipLines(file('long-header.ndjson.gz'), ['{"format":"opsmaturity-backup","pad":"'], 200 * MiB);
		expect(statSync(file('long-header.ndjson.gz')).size).toBeLessThan(MiB);
		const memory = peakMemory();
		await expect(restoreBackup(null, createReadStream(file('long-header.ndjson.gz')), { migrate: async () => {} })).rejects.toThrow(
			/^The backup is damaged: line 1 is longer than 32 MiB/
		);
		const grew = memory.stop();
		expect(grew.rss / MiB).toBeLessThan(100);
		expect(grew.arrayBuffers / MiB).toBeLessThan(MAX_LINE_BYTES / MiB + 8);

		// Past a sound header, inside the restore's transaction: refused and rolled back the same way.
		const [header] = gunzipSync(readFileSync(file('embedded.ndjson.gz')))
			.toString('utf8')
			.split('\n');
		await gzipLines(file('long-batch.ndjson.gz'), [header + '\n', '{"table":"team","rows":[{"name":"'], 40 * MiB);
		const target = await templatePglite();
		const before = await checksums(target.handle);
		await expect(restoreInto(target, file('long-batch.ndjson.gz'), true)).rejects.toThrow(
			/^The backup is damaged: line 2 is longer than 32 MiB/
		);
		expect(await checksums(target.handle)).toEqual(before);
	});

	it('writes batch lines of at most 4 MiB, a row larger than that alone on its line', () => {
		expect([...batchLines('[', ['"aaa"', '"bbb"', '"cccccccc"', '"d"'], 12)]).toEqual(['["aaa","bbb"]}\n', '["cccccccc"]}\n', '["d"]}\n']);
		expect([...batchLines('[', [])]).toEqual([]);
	});

	it('lets an admin download a backup from the running app, and audits it', async () => {
		useDatabase(source);
		try {
			const [admin] = await db().select().from(appUser).where(eq(appUser.email, 'admin@example.com'));
			const user = { id: admin.id, email: admin.email, name: admin.name, role: admin.role };
			const res = await backupRoute.GET(fakeEvent({ user, url: '/admin/backup' }));
			expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="opsmaturity-backup-\d{8}-\d{6}\.ndjson\.gz"$/);
			const body = Buffer.from(await res.arrayBuffer());
			expect(Number(res.headers.get('content-length'))).toBe(body.length);
			const header = JSON.parse(gunzipSync(body).toString('utf8').split('\n')[0]);
			expect(header.tables.find((t: { name: string }) => t.name === 'answer').rows).toBeGreaterThan(0);
			const audit = await db().select().from(auditLog).where(eq(auditLog.action, 'backup.download'));
			expect(audit).toMatchObject([{ actorId: admin.id, entity: 'backup' }]);
		} finally {
			useDatabase(undefined);
		}
	});

	it('runs as npm run backup / restore with exit codes 0, 1 and 2', { timeout: 240_000 }, async () => {
		const dataDir = file('data');
		const embedded = { DATA_DIR: dataDir };
		expect((await runBackupCommand([], embedded)).code).toBe(2);
		expect((await runBackupCommand(['backup'], embedded)).code).toBe(2);
		expect((await runBackupCommand(['backup', 'a', 'b'], embedded)).code).toBe(2);
		expect((await runBackupCommand(['backup', file('x.gz'), '--force'], embedded)).code).toBe(2);
		expect((await runBackupCommand(['restore', '--bogus', file('x.gz')], embedded)).code).toBe(2);
		expect(await runBackupCommand(['restore', file('missing.gz')], embedded)).toMatchObject({
			code: 1,
			output: expect.stringMatching(/No such file/)
		});
		expect(await runBackupCommand(['backup', file('x.gz')], embedded)).toMatchObject({
			code: 1,
			output: expect.stringMatching(/no embedded database/)
		});

		expect(await runBackupCommand(['restore', file('embedded.ndjson.gz')], embedded)).toMatchObject({
			code: 0,
			output: expect.stringMatching(/^Restored/m)
		});
		expect(await runBackupCommand(['restore', file('embedded.ndjson.gz')], embedded)).toMatchObject({
			code: 1,
			output: expect.stringMatching(/--force/)
		});
		expect(await runBackupCommand(['restore', file('embedded.ndjson.gz'), '--force'], embedded)).toMatchObject({ code: 0 });
		expect(await runBackupCommand(['backup', file('cli.ndjson.gz')], embedded)).toMatchObject({
			code: 0,
			output: expect.stringMatching(/^Backed up/m)
		});

		// A running server holds the embedded database: the CLI leaves it alone.
		writeFileSync(path.join(dataDir, 'postmaster.pid'), '-42\n');
		expect(await runBackupCommand(['backup', file('y.gz')], embedded)).toMatchObject({
			code: 1,
			output: expect.stringMatching(/stop the server/)
		});
		rmSync(path.join(dataDir, 'postmaster.pid'));

		// The CLI's backup of the embedded database, restored by the CLI into PostgreSQL.
		const target = await privatePostgres();
		expect(await runBackupCommand(['restore', file('cli.ndjson.gz')], { DATABASE_URL: target.url })).toMatchObject({ code: 0 });
		expect(withoutTransient(await checksums(target.handle))).toEqual(withoutTransient(sourceSums));
		expect(await runBackupCommand(['backup', file('cli-pg.ndjson.gz')], { DATABASE_URL: target.url })).toMatchObject({ code: 0 });
		const rowsIn = (name: string) =>
			JSON.parse(
				gunzipSync(readFileSync(file(name)))
					.toString('utf8')
					.split('\n')[0]
			).tables.map((t: { rows: number }) => t.rows);
		expect(rowsIn('cli-pg.ndjson.gz')).toEqual(rowsIn('cli.ndjson.gz'));
	});
});
