// Plain JavaScript with JSDoc types: the backup CLI (scripts/backup.js) runs it without a build or
// dev dependencies, and the app imports the same code for the download in /admin.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { orderByForeignKeys, readCatalog, quoteIdent } from './catalog.js';
import { BACKUP_COLUMNS, BACKUP_ROWS } from './secrets.js';

/**
 * The backup format, version 1: gzip'd NDJSON (one JSON value per line, UTF-8).
 *
 * Line 1, the header:
 *   { "format": "opsmaturity-backup", "version": 1, "createdAt": ISO time of the snapshot,
 *     "database": "postgres" | "pglite", "serverVersion": "15.8",
 *     "migrations": [{ "tag": "0000_init" | null, "hash": sha256 of the migration file, "when": journal millis }],
 *     "tables": [{ "name", "columns": [{ "name", "type" }], "primaryKey": [column names], "rows": count }],
 *     "webhookSecrets": "sealed" (AES-256-GCM under SECRETS_KEY) | "withheld" }
 * Then, table by table in foreign-key order (parents first), batches of rows in primary-key order
 * (at most 1,000 rows and 4 MiB a line; restore reads lines of up to 32 MiB):
 *   { "table": "answer", "rows": [ { column: value, … }, … ] }
 * Values are PostgreSQL's own JSON for the column (row_to_json): timestamps with their offset,
 * jsonb as JSON, arrays as arrays; restore hands them back to PostgreSQL (json_populate_recordset),
 * so neither side converts a type in JavaScript.
 *
 * Not included: sessions, sign-ins in progress and login failures (restoring them would sign
 * people back in, or keep them locked out, on another server), anything outside the `public`
 * schema, and no credential that works (secrets.js says how).
 */
export const FORMAT = 'opsmaturity-backup';
export const VERSION = 1;
export const TRANSIENT_TABLES = new Set(['session', 'login_failure', 'oidc_flow']);
const BATCH = 1000;
/** A batch line is cut at this size as well as at BATCH rows, so every line stays far below MAX_LINE_BYTES. */
export const BATCH_BYTES = 4 * 1024 * 1024;
/**
 * The longest line restore reads: it refuses a longer one before holding more than this in memory.
 * Lines written here stay under BATCH_BYTES; the margin is for older backups, cut at 1,000 rows only.
 */
export const MAX_LINE_BYTES = 32 * 1024 * 1024;

/** A refusal or a damaged file: the message is for the person running the restore. */
export class BackupError extends Error {}

/**
 * @typedef {(text: string, params?: unknown[]) => Promise<Record<string, any>[]>} Query
 * @typedef {{
 *   kind: 'postgres' | 'pglite',
 *   query: Query,
 *   transaction: <T>(snapshot: boolean, work: (query: Query) => Promise<T>) => Promise<T>
 * }} Connection
 * @typedef {{ tag: string | null, hash: string, when: number }} Migration
 * @typedef {{ name: string, columns: { name: string, type: string }[], primaryKey: string[], rows: number }} TableEntry
 * @typedef {{ format: string, version: number, createdAt: string, database: string, serverVersion: string,
 *   migrations: Migration[], tables: TableEntry[], webhookSecrets?: 'sealed' | 'withheld' }} Header
 */

/**
 * One interface over the two drivers. Takes a drizzle database (its `$client`), a postgres.js
 * `Sql` or a `PGlite`. A snapshot transaction is REPEATABLE READ READ ONLY on PostgreSQL; PGlite
 * has one connection, so its transaction alone is the snapshot (and other queries wait for it).
 * @param {any} database
 * @returns {Connection}
 */
export function connectionOf(database) {
	const raw = database.$client ?? database;
	if (typeof raw.begin === 'function') {
		/** @type {(run: (text: string, params: any[]) => any) => Query} */
		const via =
			(run) =>
			async (text, params = []) => [...(await run(text, params))];
		return {
			kind: 'postgres',
			query: via((text, params) => raw.unsafe(text, params)),
			transaction: (snapshot, work) =>
				raw.begin(snapshot ? 'isolation level repeatable read read only' : 'read write', (/** @type {any} */ tx) =>
					work(via((text, params) => tx.unsafe(text, params)))
				)
		};
	}
	return {
		kind: 'pglite',
		query: async (text, params) => (await raw.query(text, params)).rows,
		transaction: (snapshot, work) =>
			raw.transaction(async (/** @type {any} */ tx) => {
				if (snapshot) await tx.query('set transaction read only');
				return work(async (text, params) => (await tx.query(text, params)).rows);
			})
	};
}

/** Where the app finds its migrations: MIGRATIONS_DIR, else ./drizzle from the working directory. */
export const defaultMigrationsFolder = () => path.resolve(process.env.MIGRATIONS_DIR ?? 'drizzle');

/**
 * The migrations this build ships, in order, as the header lists them.
 * @param {string} folder
 * @returns {Migration[]}
 */
export function buildMigrations(folder) {
	const journal = JSON.parse(readFileSync(path.join(folder, 'meta', '_journal.json'), 'utf8'));
	return readMigrationFiles({ migrationsFolder: folder }).map((m, i) => ({
		tag: journal.entries[i]?.tag ?? null,
		hash: m.hash,
		when: m.folderMillis
	}));
}

/**
 * @param {Query} query
 * @param {Migration[]} known
 * @returns {Promise<Migration[]>}
 */
async function appliedMigrations(query, known) {
	const [{ present }] = await query(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
	if (!present) return [];
	const rows = await query(`select hash, created_at::text as "when" from drizzle.__drizzle_migrations order by created_at, id`);
	return rows.map((r) => ({ tag: known.find((k) => k.hash === r.hash)?.tag ?? null, hash: r.hash, when: Number(r.when) }));
}

/**
 * Writes a backup of the whole database, from one snapshot, as gzip'd NDJSON into `output`.
 * @param {any} database a drizzle database, postgres.js Sql or PGlite
 * @param {NodeJS.WritableStream} output
 * @param {{ migrationsFolder?: string, secretsKey?: Buffer }} [options] secretsKey: SECRETS_KEY, to seal webhook secrets
 * @returns {Promise<Header>}
 */
export async function writeBackup(database, output, options = {}) {
	const connection = connectionOf(database);
	let known = /** @type {Migration[]} */ ([]);
	try {
		known = buildMigrations(options.migrationsFolder ?? defaultMigrationsFolder());
	} catch {
		// Only the tags come from the folder; the hashes come from the database itself.
	}
	return connection.transaction(true, async (query) => {
		const migrations = await appliedMigrations(query, known);
		if (!migrations.length) throw new BackupError('This database holds no Opsmaturity schema (no migrations applied): nothing to back up.');
		const tables = orderByForeignKeys(await readCatalog(query)).filter((t) => !TRANSIENT_TABLES.has(t.name));
		const [{ at, serverVersion }] = await query(
			`select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as at, current_setting('server_version') as "serverVersion"`
		);
		const entries = [];
		for (const t of tables) {
			const [{ n }] = await query(`select count(*)::int as n from public.${quoteIdent(t.name)}`);
			entries.push({ name: t.name, columns: t.columns, primaryKey: t.primaryKey, rows: n });
		}
		/** @type {Header} */
		const header = {
			format: FORMAT,
			version: VERSION,
			createdAt: at,
			database: connection.kind,
			serverVersion,
			migrations,
			tables: entries,
			webhookSecrets: options.secretsKey ? 'sealed' : 'withheld'
		};
		await pipeline(Readable.from(backupLines(query, header, options.secretsKey)), createGzip(), output);
		return header;
	});
}

/**
 * @param {Query} query
 * @param {Header} header
 * @param {Buffer} [secretsKey]
 */
async function* backupLines(query, header, secretsKey) {
	yield `${JSON.stringify(header)}\n`;
	for (const t of header.tables) {
		if (!t.rows) continue;
		const replaced = BACKUP_COLUMNS[t.name] ?? {};
		const columns = t.columns.map((c) => (replaced[c.name] ? `${replaced[c.name]} as ` : '') + quoteIdent(c.name)).join(', ');
		const transform = BACKUP_ROWS[t.name];
		const order = t.primaryKey.length ? ` order by ${t.primaryKey.map(quoteIdent).join(', ')}` : '';
		// A cursor inside the snapshot: constant memory per batch, no re-scan per page.
		await query(
			`declare opsm_backup no scroll cursor for select row_to_json(r)::text as j from (select ${columns} from public.${quoteIdent(t.name)}${order}) r`
		);
		const prefix = `{"table":${JSON.stringify(t.name)},"rows":[`;
		for (;;) {
			const rows = await query(`fetch forward ${BATCH} from opsm_backup`);
			yield* batchLines(
				prefix,
				rows.map((r) => (transform ? JSON.stringify(transform(JSON.parse(r.j), secretsKey)) : r.j))
			);
			if (rows.length < BATCH) break;
		}
		await query('close opsm_backup');
	}
}

/**
 * Rows as batch lines of at most `limit` bytes each (a row larger than that alone on its line).
 * @param {string} prefix
 * @param {string[]} rows each row's JSON
 * @param {number} [limit]
 */
export function* batchLines(prefix, rows, limit = BATCH_BYTES) {
	let start = 0;
	let size = 0;
	for (let i = 0; i < rows.length; i++) {
		const bytes = Buffer.byteLength(rows[i]) + 1;
		if (i > start && size + bytes > limit) {
			yield `${prefix}${rows.slice(start, i).join(',')}]}\n`;
			[start, size] = [i, 0];
		}
		size += bytes;
	}
	if (rows.length > start) yield `${prefix}${rows.slice(start).join(',')}]}\n`;
}
