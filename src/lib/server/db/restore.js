// Restore of a backup written by backup.js (the format is described there). Plain JavaScript: see backup.js.
import { createGunzip } from 'node:zlib';
import {
	BackupError,
	buildMigrations,
	connectionOf,
	defaultMigrationsFolder,
	FORMAT,
	MAX_LINE_BYTES,
	TRANSIENT_TABLES,
	VERSION
} from './backup.js';
import { orderByForeignKeys, quoteIdent, readCatalog } from './catalog.js';
import { restoreSecrets } from './secrets.js';

/**
 * @typedef {import('./backup.js').Query} Query
 * @typedef {import('./backup.js').Migration} Migration
 * @typedef {import('./backup.js').Header} Header
 * @typedef {import('./backup.js').TableEntry} TableEntry
 */

const MiB = 1024 * 1024;

/**
 * The lines of a gzip'd NDJSON stream, each checked against MAX_LINE_BYTES while it is read: a
 * few hundred KB of gzip can hold one line of hundreds of MB, and reading it whole first took
 * ~500 MiB for a 200 MB line. Bytes are kept until a line ends and decoded once (a newline byte
 * never occurs inside a multi-byte UTF-8 character).
 * @param {NodeJS.ReadableStream} input
 */
async function* readLines(input) {
	const bytes = input.pipe(createGunzip());
	input.on('error', (e) => bytes.destroy(e));
	/** @type {Buffer[]} */
	let pieces = [];
	let length = 0;
	let number = 1;
	const add = (/** @type {Buffer} */ piece) => {
		if (length + piece.length > MAX_LINE_BYTES)
			throw new BackupError(
				`The backup is damaged: line ${number} is longer than ${MAX_LINE_BYTES / MiB} MiB, and no backup has lines that long. Is it an Opsmaturity backup?`
			);
		pieces.push(piece);
		length += piece.length;
	};
	const take = () => {
		const line = Buffer.concat(pieces, length).toString('utf8');
		[pieces, length] = [[], 0];
		number++;
		return line;
	};
	try {
		for await (const chunk of bytes) {
			let start = 0;
			for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
				add(chunk.subarray(start, end));
				start = end + 1;
				const line = take();
				if (/\S/.test(line)) yield line;
			}
			if (start < chunk.length) add(chunk.subarray(start));
		}
	} catch (e) {
		if (e instanceof BackupError) throw e;
		throw new BackupError(`Cannot read the backup file: ${/** @type {Error} */ (e).message}. Is it a complete .ndjson.gz backup?`);
	} finally {
		// Stopped early (a refusal, or a header that is not ours): nothing more is read from the file.
		bytes.destroy();
		/** @type {any} */ (input).destroy?.();
	}
	const last = take();
	if (/\S/.test(last)) yield last;
}

/**
 * Checks a header: ours, a format version we read, and no migration this build lacks.
 * @param {string | undefined} line
 * @param {Migration[]} known
 * @returns {Header}
 */
export function checkHeader(line, known) {
	let header;
	try {
		header = JSON.parse(line ?? '');
	} catch {
		header = null;
	}
	if (header?.format !== FORMAT)
		throw new BackupError('This file is not an Opsmaturity backup (its first line has no "format": "opsmaturity-backup").');
	if (typeof header.version !== 'number' || header.version > VERSION)
		throw new BackupError(
			`This backup uses format version ${header.version}; this version of Opsmaturity reads version ${VERSION}. Upgrade first.`
		);
	const wellFormed = (/** @type {any} */ t) =>
		typeof t?.name === 'string' &&
		Array.isArray(t.columns) &&
		t.columns.every((/** @type {any} */ c) => typeof c?.name === 'string') &&
		Number.isInteger(t.rows);
	const migrationsWellFormed =
		Array.isArray(header.migrations) && header.migrations.every((/** @type {any} */ m) => typeof m?.hash === 'string');
	if (!migrationsWellFormed || !Array.isArray(header.tables) || !header.tables.every(wellFormed))
		throw new BackupError('The backup header is damaged (its migrations or tables list is missing or malformed).');
	const hashes = new Set(known.map((k) => k.hash));
	const unknown = header.migrations.filter((/** @type {Migration} */ m) => !hashes.has(m.hash));
	if (unknown.length) {
		const names = unknown.map((/** @type {Migration} */ m) => m.tag ?? m.hash.slice(0, 12)).join(', ');
		throw new BackupError(
			`This backup comes from a newer schema than this version of Opsmaturity knows: ${unknown.length} migration(s) not in this build (${names}). Install the version that made it, or a newer one, then restore.`
		);
	}
	return header;
}

/** `{"table":"name","rows":` as backupLines writes it; anything else is parsed in full. */
const BATCH_PREFIX = /^\{"table":("(?:[^"\\]|\\.)*"),"rows":\[/;

/**
 * Restores a backup into `database`: checks the header, runs `migrate` (this build's schema),
 * then in ONE transaction refuses a non-empty database unless `force` (which empties every table
 * first), inserts table by table, checks every count against the header and moves each sequence
 * past the highest id, then opens sealed webhook secrets with `secretsKey` (SECRETS_KEY) or pauses
 * those webhooks. Any failure rolls everything back.
 * @param {any} database a drizzle database, postgres.js Sql or PGlite
 * @param {NodeJS.ReadableStream} input
 * @param {{ force?: boolean, migrationsFolder?: string, migrate: () => Promise<void>, secretsKey?: Buffer }} options
 */
export async function restoreBackup(database, input, options) {
	const lines = readLines(input)[Symbol.asyncIterator]();
	try {
		return await restoreLines(database, lines, options);
	} finally {
		// After a refusal part of the file is unread: closing the lines closes the file.
		await lines.return?.(undefined);
	}
}

/**
 * @param {any} database
 * @param {AsyncIterator<string>} lines
 * @param {{ force?: boolean, migrationsFolder?: string, migrate: () => Promise<void>, secretsKey?: Buffer }} options
 */
async function restoreLines(database, lines, options) {
	const known = buildMigrations(options.migrationsFolder ?? defaultMigrationsFolder());
	const first = await lines.next();
	const header = checkHeader(first.done ? undefined : first.value, known);
	await options.migrate();
	const connection = connectionOf(database);
	const restored = await connection.transaction(false, async (query) => {
		const catalog = orderByForeignKeys(await readCatalog(query));
		const target = new Map(catalog.map((t) => [t.name, t]));
		if (options.force) await query(`truncate table ${catalog.map((t) => `public.${quoteIdent(t.name)}`).join(', ')} restart identity`);
		else await refuseNonEmpty(query, catalog);
		/** @type {Map<string, number>} */
		const counts = new Map();
		const inserts = new Map(header.tables.map((t) => [t.name, insertStatement(t, target.get(t.name))]));
		for (let next = await lines.next(); !next.done; next = await lines.next()) {
			const line = next.value;
			const match = BATCH_PREFIX.exec(line);
			const name = match ? JSON.parse(match[1]) : tableOf(line);
			if (!inserts.has(name)) throw new BackupError(`The backup is damaged: rows for table "${name}", which its header does not list.`);
			const sql = inserts.get(name);
			if (!sql) continue; // a table this schema no longer has
			const [{ n }] = await query(sql, [line]);
			counts.set(name, (counts.get(name) ?? 0) + n);
		}
		for (const t of header.tables)
			if (target.has(t.name) && (counts.get(t.name) ?? 0) !== t.rows)
				throw new BackupError(
					`The backup is incomplete: table "${t.name}" has ${counts.get(t.name) ?? 0} rows, its header says ${t.rows}.`
				);
		await resetSequences(query, catalog);
		// A backup from before 0014 does not say whose role the groups gave: mark them as 0014 marked the live rows.
		const users = header.tables.find((t) => t.name === 'app_user');
		if (users && target.has('app_user') && !users.columns.some((c) => c.name === 'role_from_groups')) await query(ROLE_FROM_GROUPS);
		// Sealed webhook secrets are opened with SECRETS_KEY, or their webhooks paused (secrets.js).
		const webhooks = target.has('webhook') ? await restoreSecrets(query, options.secretsKey) : { opened: 0, paused: 0 };
		return { tables: header.tables.filter((t) => target.has(t.name)), webhooks };
	});
	const { tables, webhooks } = restored;
	for (const t of tables) await connection.query(`analyze public.${quoteIdent(t.name)}`);
	return { header, tables, webhooks, skipped: header.tables.filter((t) => !tables.includes(t)).map((t) => t.name) };
}

/** @param {string} line */
function tableOf(line) {
	try {
		const name = JSON.parse(line).table;
		if (typeof name === 'string') return name;
	} catch {
		// reported below
	}
	throw new BackupError('The backup is damaged: a line that is not a batch of rows.');
}

/** Migration 0014's backfill, word for word (a test holds them together). */
export const ROLE_FROM_GROUPS = `UPDATE "app_user" SET "role_from_groups" = true
WHERE "id" IN (SELECT "user_id" FROM "user_identity")
	AND "role" IN (
		SELECT m->>'role' FROM "setting" s, jsonb_array_elements(s."value"->'mappings') m
		WHERE s."key" = 'sso' AND jsonb_typeof(s."value"->'mappings') = 'array'
	)`;

/**
 * Columns a migration derived from a column it then dropped: a backup made before that migration
 * carries the source, and its rows get the derived value, as the migration gave the live rows.
 * (0013 kept only the SHA-256 of each person's unsubscribe token, so links already sent work on.)
 * @type {Record<string, Record<string, { from: string, sql: (value: string) => string }>>}
 */
const DERIVED_COLUMNS = {
	app_user: {
		unsubscribe_token_hash: { from: 'unsubscribe_token', sql: (v) => `encode(sha256(convert_to(${v}, 'UTF8')), 'hex')` }
	}
};

/**
 * The insert for one table: only the columns both the backup and this schema have, so columns a
 * later migration added take their defaults, and those it derived are derived again. PostgreSQL
 * converts every value from its JSON.
 * @param {TableEntry} entry
 * @param {import('./catalog.js').Table | undefined} table
 */
function insertStatement(entry, table) {
	if (!table) return null;
	const present = new Set(table.columns.map((c) => c.name));
	const inBackup = new Set(entry.columns.map((c) => c.name));
	const shared = entry.columns.map((c) => c.name).filter((c) => present.has(c));
	const derived = Object.entries(DERIVED_COLUMNS[table.name] ?? {}).filter(
		([column, rule]) => present.has(column) && !inBackup.has(column) && inBackup.has(rule.from)
	);
	const columns = [...shared, ...derived.map(([column]) => column)].map(quoteIdent).join(', ');
	const values = [
		...shared.map((c) => `p.${quoteIdent(c)}`),
		...derived.map(([, rule]) => rule.sql(`(j.value ->> ${quoteLiteral(rule.from)})`))
	].join(', ');
	const name = `public.${quoteIdent(table.name)}`;
	// $1::text: postgres.js would JSON.stringify a string it sees bound to a json parameter.
	return `with inserted as (insert into ${name} (${columns}) overriding system value select ${values} from json_array_elements($1::text::json -> 'rows') j(value), json_populate_record(null::${name}, j.value) p returning 1) select count(*)::int as n from inserted`;
}

/**
 * @param {Query} query
 * @param {import('./catalog.js').Table[]} catalog
 */
async function refuseNonEmpty(query, catalog) {
	const checked = catalog.filter((t) => !TRANSIENT_TABLES.has(t.name));
	const rows = await query(
		checked
			.map((t) => `select ${quoteLiteral(t.name)} as name where exists (select 1 from public.${quoteIdent(t.name)})`)
			.join(' union all ')
	);
	if (rows.length)
		throw new BackupError(
			`The target database is not empty (rows in ${rows.map((r) => r.name).join(', ')}). Restore into an empty database, or add --force to replace everything in it.`
		);
}

/**
 * Sets every serial/identity sequence so the next id follows the highest restored one.
 * @param {Query} query
 * @param {import('./catalog.js').Table[]} catalog
 */
async function resetSequences(query, catalog) {
	for (const t of catalog)
		for (const s of t.sequences)
			await query(
				`select setval($1::text::regclass, coalesce((select max(${quoteIdent(s.column)}) from public.${quoteIdent(t.name)}), 0) + 1, false)`,
				[s.sequence]
			);
}

/** @param {string} text */
const quoteLiteral = (text) => `'${text.replaceAll("'", "''")}'`;
