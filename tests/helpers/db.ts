import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/lib/server/db/client';
import { useDatabase } from '../../src/lib/server/db';
import { withDatabase } from './global-setup';

/**
 * Gives the calling test file its own migrated database, installed as the app's database:
 * PGlite by default, a fresh PostgreSQL database when TEST_DATABASE_URL is set.
 */
export function useTestDatabase() {
	const state: { handle?: DatabaseHandle; name?: string } = {};
	beforeAll(async () => {
		const url = process.env.TEST_DATABASE_URL;
		if (url) {
			state.name = `opsm_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
			const admin = postgres(url, { max: 1, onnotice: () => {} });
			await admin.unsafe(`create database ${state.name} template ${inject('postgresTemplate')}`);
			await admin.end();
			state.handle = await openDatabase({ kind: 'postgres', url: withDatabase(url, state.name), max: 4 });
		} else {
			const dump = new Blob([readFileSync(inject('pgliteTemplate'))]);
			state.handle = await openDatabase({ kind: 'pglite', loadDataDir: dump });
		}
		useDatabase(state.handle);
	});
	afterAll(async () => {
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
