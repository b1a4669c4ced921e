import { env } from '$env/dynamic/private';
import { migrateDatabase, openDatabase, type Database, type DatabaseHandle, type DatabaseOptions } from './client';

let handle: DatabaseHandle | undefined;

export function databaseOptionsFromEnv(): DatabaseOptions {
	if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL };
	return { kind: 'pglite', dataDir: env.DATA_DIR || './data' };
}

/** Opens (once per process) and migrates the database the environment names. */
export async function startDatabase(options = databaseOptionsFromEnv()): Promise<DatabaseHandle> {
	if (handle) return handle;
	const opened = await openDatabase(options);
	await migrateDatabase(options, opened);
	handle = opened;
	return handle;
}

/** Tests hand in their own database; the app never calls this. */
export function useDatabase(h: DatabaseHandle | undefined) {
	handle = h;
}

export function db(): Database {
	if (!handle) throw new Error('database not started');
	return handle.db;
}

export async function stopDatabase() {
	const h = handle;
	handle = undefined;
	await h?.close();
}
