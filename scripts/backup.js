// `npm run backup -- <file>` and `npm run restore -- <file> [--force]`: plain JavaScript so that it
// runs in a production install without a build or dev dependencies. The database is chosen as the
// app chooses it: DATABASE_URL for PostgreSQL, else the embedded database in DATA_DIR (./data).
// Exit codes: 0 done, 1 failed or refused, 2 wrong usage.
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { BackupError, writeBackup } from '../src/lib/server/db/backup.js';
import { restoreBackup } from '../src/lib/server/db/restore.js';
import { LOCK } from '../src/lib/server/db/locks.js';
import { SECRETS_KEY_RULE, parseSecretsKey } from '../src/lib/server/db/secrets.js';

const USAGE = `usage: npm run backup -- <file>
       npm run restore -- <file> [--force]
(or node scripts/backup.js backup|restore <file> [--force])`;

const migrationsFolder = process.env.MIGRATIONS_DIR
	? path.resolve(process.env.MIGRATIONS_DIR)
	: fileURLToPath(new URL('../drizzle', import.meta.url));

/** @param {string[]} args */
function parseArgs(args) {
	const [command, ...rest] = args;
	const force = rest.includes('--force');
	const files = rest.filter((a) => a !== '--force');
	if (!['backup', 'restore'].includes(command) || files.length !== 1 || files[0].startsWith('-') || (force && command !== 'restore'))
		return null;
	// npm runs scripts in the package folder; a relative file name means where the command was typed.
	return { command, file: path.resolve(process.env.INIT_CWD ?? '.', files[0]), force };
}

/**
 * The database the app would use. The embedded one is a directory that only one process may
 * open: PGlite leaves postmaster.pid there while it is open, so its presence means a running server.
 * @param {'backup' | 'restore'} command
 */
async function openTarget(command) {
	const url = process.env.DATABASE_URL;
	if (url) {
		const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
		return {
			label: 'PostgreSQL',
			database: sql,
			migrate: () => migrateWithLock(url),
			close: () => sql.end({ timeout: 5 })
		};
	}
	const dataDir = path.resolve(process.env.DATA_DIR || './data');
	if (existsSync(path.join(dataDir, 'postmaster.pid')))
		throw new BackupError(
			`The embedded database in ${dataDir} is open (postmaster.pid exists): stop the server first, or download the backup in /admin while it runs. If no server is running (it crashed), start and stop it once.`
		);
	if (command === 'backup' && !existsSync(path.join(dataDir, 'PG_VERSION')))
		throw new BackupError(`There is no embedded database in ${dataDir}.`);
	mkdirSync(dataDir, { recursive: true });
	const pg = await PGlite.create({ dataDir });
	return {
		label: `the embedded database in ${dataDir}`,
		database: pg,
		migrate: () => migratePglite(drizzlePglite(pg), { migrationsFolder }),
		close: () => pg.close()
	};
}

/** As the app migrates at start: under the advisory lock, so a server starting meanwhile waits. @param {string} url */
async function migrateWithLock(url) {
	const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
	try {
		await sql`select pg_advisory_lock(${LOCK.migration})`;
		await migratePostgres(drizzlePostgres(sql), { migrationsFolder });
		await sql`select pg_advisory_unlock(${LOCK.migration})`;
	} finally {
		await sql.end({ timeout: 5 });
	}
}

/** @param {{ name: string, rows: number }[]} tables */
const summary = (tables) => `${tables.length} tables, ${tables.reduce((n, t) => n + t.rows, 0).toLocaleString('en')} rows`;
const seconds = (/** @type {number} */ started) => `${((performance.now() - started) / 1000).toFixed(1)} s`;

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (!args) {
		console.error(USAGE);
		return 2;
	}
	if (args.command === 'restore' && !existsSync(args.file)) throw new BackupError(`No such file: ${args.file}`);
	// Seals webhook secrets in a backup, and opens them in a restore (docs/operate.md, Backup and restore).
	const secretsKey = parseSecretsKey(process.env.SECRETS_KEY);
	if (secretsKey === null) throw new BackupError(`SECRETS_KEY ${SECRETS_KEY_RULE}`);
	const started = performance.now();
	const target = await openTarget(/** @type {'backup' | 'restore'} */ (args.command));
	try {
		if (args.command === 'backup') {
			// Written beside the file and renamed at the end: a failed backup never looks like a good one.
			const partial = `${args.file}.partial`;
			try {
				const header = await writeBackup(target.database, createWriteStream(partial), { migrationsFolder, secretsKey });
				renameSync(partial, args.file);
				const kib = statSync(args.file).size / 1024;
				const size = kib < 1024 ? `${kib.toFixed(0)} KiB` : `${(kib / 1024).toFixed(1)} MiB`;
				const sealed = secretsKey ? 'sealed with SECRETS_KEY' : 'left out (no SECRETS_KEY)';
				console.log(
					`Backed up ${summary(header.tables)} from ${target.label} to ${args.file} (${size}) in ${seconds(started)}; webhook secrets ${sealed}.`
				);
			} finally {
				rmSync(partial, { force: true });
			}
		} else {
			const result = await restoreBackup(target.database, createReadStream(args.file), {
				force: args.force,
				migrationsFolder,
				migrate: target.migrate,
				secretsKey
			});
			const skipped = result.skipped.length ? ` Skipped tables this schema no longer has: ${result.skipped.join(', ')}.` : '';
			const paused = result.webhooks.paused
				? ` ${result.webhooks.paused} webhook(s) paused without their signing secret: set a new one in /admin/webhooks.`
				: '';
			console.log(
				`Restored ${summary(result.tables)} (backup of ${result.header.createdAt}) into ${target.label} in ${seconds(started)}.${skipped}${paused}`
			);
		}
	} finally {
		await target.close();
	}
	return 0;
}

main().then(
	(code) => (process.exitCode = code),
	(error) => {
		console.error(error instanceof BackupError ? error.message : error);
		process.exitCode = 1;
	}
);
