import { env } from '#lib/server/env.ts';
import { PgliteInternalsChanged } from './pglite-prepared.ts';
import { migrateDatabase, openDatabase, type Database, type DatabaseHandle, type DatabaseOptions } from './client';

let handle: DatabaseHandle | undefined;

export function databaseOptionsFromEnv(): Exclude<DatabaseOptions, { open: unknown }> {
	if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL, prepared: env.DATABASE_PREPARED !== '0' };
	return { kind: 'pglite', dataDir: env.DATA_DIR || './data', prepared: env.DATABASE_PREPARED !== '0' };
}

/** Opens (once per process) and migrates the database the environment names. */
export async function startDatabase(options = databaseOptionsFromEnv()): Promise<DatabaseHandle> {
	if (handle) return handle;
	const opened = await openDatabase(options);
	await migrateDatabase(options, opened);
	handle = opened;
	return handle;
}

export function isDatabaseStarted(): boolean {
	return handle !== undefined;
}

/** The pause after failed attempt n: 0.5 s, doubling, at most 10 s. */
const pauseAfter = (attempt: number) => Math.min(500 * 2 ** (attempt - 1), 10_000);

/**
 * Starts the database and runs `ready` (framework, seed). If the database cannot be reached, the
 * server does not exit: later attempts run in the background, each reported, while the server
 * answers /healthz and says 503 elsewhere.
 */
export async function startDatabaseWithRetry(
	ready: () => Promise<void>,
	report: (attempt: number, error: unknown, retryInMs: number) => void,
	options = databaseOptionsFromEnv()
) {
	const attempt = async (n: number) => {
		try {
			await startDatabase(options);
			await ready();
			return true;
		} catch (error) {
			await stopDatabase().catch(() => {});
			if (error instanceof PgliteInternalsChanged) throw error;
			report(n, error, pauseAfter(n));
			return false;
		}
	};
	if (await attempt(1)) return;
	void (async () => {
		for (let n = 2; ; n++) {
			await new Promise((r) => setTimeout(r, pauseAfter(n - 1)));
			if (await attempt(n)) return;
		}
	})().catch(stopStarting);
}

/** A start that waiting cannot mend (PGlite changed under db/pglite-prepared.ts): say why, and exit with code 2. */
export function stopStarting(error: unknown): never {
	process.stderr.write(`Opsmaturity cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
	process.exit(2);
}

/** Tests hand in their own database; the app never calls this. */
export function useDatabase(h: DatabaseHandle | undefined) {
	handle = h;
}

/** The open handle, for what needs more than drizzle (the job queue). */
export function databaseHandle(): DatabaseHandle | undefined {
	return handle;
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
