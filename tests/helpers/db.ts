import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, inject, vi } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import { openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { ensureFramework } from '../../src/lib/server/queries/framework';
import { useDatabase } from '../../src/lib/server/db';
import { withDatabase } from './global-setup';

/**
 * Empties the embedded database as the template left it, before ensureFramework: every table of the app and of the
 * job queue (its version row aside). Statements stay prepared: the tables are the same ones.
 */
const EMPTY = `DO $$ BEGIN
	EXECUTE (SELECT 'TRUNCATE ' || string_agg(format('%I.%I', schemaname, tablename), ', ') || ' RESTART IDENTITY CASCADE'
		FROM pg_tables WHERE schemaname = 'public' OR (schemaname = 'pgboss' AND tablename <> 'version'));
END $$;
SELECT pg_advisory_unlock_all();`;

/**
 * Where files share a module graph (inject('sharedModules')), one embedded database per worker:
 * the first file loads the migrated template, each next one empties it and takes it under a new
 * handle (so caches kept per handle start afresh). Loading the template took 1.8 s of every file.
 */
let workerDatabase: { client: PGlite } | undefined;

async function embeddedDatabase(): Promise<DatabaseHandle> {
	if (!inject('sharedModules')) return openDatabase({ kind: 'pglite', loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
	if (workerDatabase && !workerDatabase.client.closed) {
		await workerDatabase.client.exec(EMPTY);
		const handle = await openDatabase({ kind: 'pglite', open: workerDatabase.client });
		useDatabase(handle);
		await ensureFramework();
		return handle;
	}
	const loaded = await openDatabase({ kind: 'pglite', loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
	workerDatabase = { client: loaded.pglite! };
	// Kept open for the next file: its handle's close() would close the database itself.
	return { ...loaded, close: async () => {} };
}

/**
 * Gives the calling test file its own migrated database, installed as the app's database:
 * PGlite by default, a fresh PostgreSQL database when TEST_DATABASE_URL is set.
 */
export function useTestDatabase() {
	const state: { handle?: DatabaseHandle; name?: string } = {};
	// Files share a module graph and process.env per worker: what one file sets or spies on ends with it.
	const environment = { ...process.env };
	beforeAll(async () => {
		const url = process.env.TEST_DATABASE_URL;
		if (url) {
			state.name = `opsm_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
			const admin = postgres(url, { max: 1, onnotice: () => {} });
			await admin.unsafe(`create database ${state.name} template ${inject('postgresTemplate')}`);
			await admin.end();
			state.handle = await openDatabase({ kind: 'postgres', url: withDatabase(url, state.name), max: 4 });
		} else state.handle = await embeddedDatabase();
		useDatabase(state.handle);
	});
	afterAll(async () => {
		vi.restoreAllMocks();
		for (const name of Object.keys(process.env)) if (!(name in environment)) delete process.env[name];
		Object.assign(process.env, environment);
		useDatabase(undefined);
		await state.handle?.close();
		if (state.name) {
			const admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
			await admin.unsafe(`drop database if exists ${state.name} with (force)`);
			await admin.end();
		}
	});
	return state;
}
