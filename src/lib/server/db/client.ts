import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { instrumentPglite, instrumentPostgres } from './instrument';
import { LOCK } from './locks';
import * as schema from './schema';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

/** The handle a `db().transaction()` callback receives. */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];

export type DatabaseHandle = {
	db: Database;
	kind: 'postgres' | 'pglite';
	/** The embedded database's own client, for the job queue that shares its one connection. */
	pglite?: PGlite;
	/** LISTEN on a channel (a connection of its own on PostgreSQL, reconnecting; in-process on PGlite); returns the unlisten. */
	listen: (channel: string, onMessage: (payload: string) => void, onListen?: () => void) => Promise<() => Promise<void>>;
	close: () => Promise<void>;
};

export type DatabaseOptions =
	| { kind: 'postgres'; url: string; max?: number; prepared?: boolean }
	| { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob; prepared?: boolean }
	/**
	 * An embedded database another handle opened (and instrumented), under a new handle whose caches start
	 * empty; closing it leaves the database open. Tests reuse one per worker.
	 */
	| { kind: 'pglite'; open: PGlite };

const MIGRATIONS = path.resolve(process.env.MIGRATIONS_DIR ?? 'drizzle');
const CONNECT_TIMEOUT_S = 2;
const RECONNECT_PAUSE_S = 0.25;
const STATEMENT_TIMEOUT_MS = 30_000;

export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
	if (options.kind === 'postgres') {
		const client = postgres(options.url, {
			max: options.max ?? 10,
			onnotice: () => {},
			// Fail fast when the server is away rather than queue requests behind a connect that hangs.
			connect_timeout: CONNECT_TIMEOUT_S,
			// postgres.js backs off up to 20 s between reconnects after repeated failures, which kept
			// pages down long after the server was back; the app's own gate keeps load off meanwhile.
			backoff: () => RECONNECT_PAUSE_S,
			// No statement may hold a connection (and a request) for long; the slowest, an export batch, takes well under this.
			connection: { statement_timeout: STATEMENT_TIMEOUT_MS }
		});
		const db = drizzlePostgres(instrumentPostgres(client, options.prepared ?? true), { schema }) as unknown as Database;
		// onListen runs again after postgres.js reconnects and listens anew: messages sent meanwhile are lost, so listeners catch up.
		const listen = async (channel: string, onMessage: (payload: string) => void, onListen?: () => void) =>
			(await client.listen(channel, onMessage, onListen)).unlisten;
		return { db, kind: 'postgres', listen, close: () => client.end({ timeout: 5 }) };
	}
	if ('open' in options) return pgliteHandle(options.open, async () => {});
	if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
	const client = await PGlite.create({
		dataDir: options.dataDir,
		loadDataDir: options.loadDataDir
	});
	try {
		// Instruments the client in place: its own query, exec and transaction now time, count and prepare.
		instrumentPglite(client, options.prepared ?? true);
	} catch (error) {
		await client.close();
		throw error;
	}
	return pgliteHandle(client, () => client.close());
}

function pgliteHandle(client: PGlite, close: () => Promise<void>): DatabaseHandle {
	const db = drizzlePglite(client, { schema }) as unknown as Database;
	const listen = (channel: string, onMessage: (payload: string) => void) => client.listen(channel, onMessage);
	return { db, kind: 'pglite', pglite: client, listen, close };
}

/**
 * Applies the committed migrations. PGlite has one connection, so it migrates through the
 * open handle. On PostgreSQL a session advisory lock, held on a dedicated connection, makes
 * instances that start together wait for each other.
 */
export async function migrateDatabase(options: DatabaseOptions, handle: DatabaseHandle) {
	if (options.kind === 'pglite') {
		await migratePglite(handle.db as never, { migrationsFolder: MIGRATIONS });
		return;
	}
	const client = postgres(options.url, { max: 1, onnotice: () => {}, connect_timeout: CONNECT_TIMEOUT_S });
	try {
		const db = drizzlePostgres(client);
		await db.execute(sql`select pg_advisory_lock(${LOCK.migration})`);
		try {
			await migratePostgres(db, { migrationsFolder: MIGRATIONS });
		} finally {
			await db.execute(sql`select pg_advisory_unlock(${LOCK.migration})`);
		}
	} finally {
		await client.end({ timeout: 5 });
	}
}

/**
 * An int[] bound as one parameter, for `= any(${intArray(ids)})` and `unnest(…)`. A bare JS array
 * in drizzle's sql template becomes a row `($1, $2, …)`, which cannot be cast to int[];
 * `sql.param` binds the whole array, and both postgres.js and PGlite send it as an array.
 */
export const intArray = (ids: readonly number[]) => sql`${sql.param(ids.map((n) => Math.trunc(Number(n))).filter(Number.isFinite))}::int[]`;

/** Rows of a raw `db.execute()`: PGlite answers `{ rows }`, postgres.js an array. */
export function rowsOf<T>(result: unknown): T[] {
	if (Array.isArray(result)) return result as T[];
	return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** The SQLSTATE of a database error, wherever the driver put it. */
export function sqlState(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown } };
	const code = e?.cause?.code ?? e?.code;
	return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';
export const FOREIGN_KEY_VIOLATION = '23503';
