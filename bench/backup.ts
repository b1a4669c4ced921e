import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { migrateDatabase, openDatabase, type DatabaseHandle, type DatabaseOptions } from '../src/lib/server/db/client';
import { db, useDatabase } from '../src/lib/server/db';
import { writeBackup } from '../src/lib/server/db/backup';
import { restoreBackup } from '../src/lib/server/db/restore';
import { regenerateBacklog } from '../src/lib/server/queries/backlog';
import { seed, storeResults } from './results';
import { ms } from './stats';

/** Backup and restore of the 1,000-technology round, both ways between the embedded database and PostgreSQL. */
export async function benchBackup(pgUrl?: string): Promise<string[]> {
	const dir = mkdtempSync(path.join(tmpdir(), 'opsm-bench-backup-'));
	const opened: DatabaseHandle[] = [];
	const open = async (options: DatabaseOptions) => {
		const handle = await openDatabase(options);
		opened.push(handle);
		return handle;
	};
	const lines = ['backup benchmark: 1,000 technologies × 20 respondents × 15 vectors, stored results and backlog'];
	const admin = pgUrl ? postgres(pgUrl, { max: 1, onnotice: () => {} }) : undefined;
	const pgName = `opsm_bench_backup_${process.pid}`;
	const backup = async (label: string, handle: DatabaseHandle, file: string) => {
		const started = performance.now();
		const header = await writeBackup(handle.db, createWriteStream(file));
		const rows = header.tables.reduce((n, t) => n + t.rows, 0);
		const size = statSync(file).size / 1024 / 1024;
		lines.push(`  backup of ${label}: ${ms(performance.now() - started)}, ${rows.toLocaleString('en')} rows, ${size.toFixed(2)} MiB`);
	};
	const restore = async (label: string, options: DatabaseOptions, file: string) => {
		const handle = await open(options);
		const started = performance.now();
		await restoreBackup(handle.db, createReadStream(file), { migrate: () => migrateDatabase(options, handle) });
		lines.push(`  restore into ${label} (migrations included): ${ms(performance.now() - started)}`);
	};
	try {
		const embedded: DatabaseOptions = { kind: 'pglite', dataDir: path.join(dir, 'source') };
		const source = await open(embedded);
		await migrateDatabase(embedded, source);
		useDatabase(source);
		const roundId = await seed();
		await storeResults(roundId);
		await db().transaction((tx) => regenerateBacklog(tx, roundId, null));
		useDatabase(undefined);
		await backup('the embedded database', source, path.join(dir, 'embedded.ndjson.gz'));
		await restore('a new embedded database', { kind: 'pglite', dataDir: path.join(dir, 'copy') }, path.join(dir, 'embedded.ndjson.gz'));
		if (admin && pgUrl) {
			await admin.unsafe(`create database ${pgName}`);
			const u = new URL(pgUrl);
			u.pathname = `/${pgName}`;
			const pg: DatabaseOptions = { kind: 'postgres', url: u.toString() };
			await restore('PostgreSQL', pg, path.join(dir, 'embedded.ndjson.gz'));
			await backup('PostgreSQL', opened.at(-1)!, path.join(dir, 'postgres.ndjson.gz'));
			await restore(
				'an embedded database from PostgreSQL',
				{ kind: 'pglite', dataDir: path.join(dir, 'back') },
				path.join(dir, 'postgres.ndjson.gz')
			);
		}
	} finally {
		useDatabase(undefined);
		for (const h of opened) await h.close();
		if (admin) {
			await admin.unsafe(`drop database if exists ${pgName} with (force)`);
			await admin.end();
		}
		rmSync(dir, { recursive: true, force: true });
	}
	return lines;
}
