import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip, gunzipSync, gzipSync } from 'node:zlib';
import type { DatabaseHandle } from '../../src/lib/server/db/client';
import { connectionOf } from '../../src/lib/server/db/backup';
import { quoteIdent, readCatalog } from '../../src/lib/server/db/catalog';

// What the backup tests (tests/deep/backup.test.ts) measure and make: checksums of every table, the command
// line run as a process, edited and hostile backup files, and how far memory grows.

/** Row count and md5 of every row's text, in primary-key order, per table (times in UTC on both sides). */
export async function checksums(handle: DatabaseHandle) {
	return connectionOf(handle.db).transaction(true, async (query) => {
		await query(`set local time zone 'UTC'`);
		const sums: Record<string, string> = {};
		for (const t of await readCatalog(query)) {
			const order = t.primaryKey.map((c) => `t.${quoteIdent(c)}`).join(', ');
			const [{ n, sum }] = await query(
				`select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by ${order}), '')) as sum from public.${quoteIdent(t.name)} t`
			);
			sums[t.name] = `${n} ${sum}`;
		}
		return sums;
	});
}

export const withoutTransient = (sums: Record<string, string>) =>
	Object.fromEntries(Object.entries(sums).filter(([name]) => name !== 'session' && name !== 'login_failure'));

/** Runs the backup command line as a process, with only the database variables given here. */
export function runBackupCommand(args: string[], env: Record<string, string>) {
	const clean = Object.fromEntries(
		Object.entries(process.env).filter(([k]) => !['DATABASE_URL', 'DATA_DIR', 'TEST_DATABASE_URL'].includes(k))
	);
	const child = spawn(process.execPath, ['scripts/backup.js', ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (d) => (output += d));
	child.stderr.on('data', (d) => (output += d));
	return new Promise<{ code: number | null; output: string }>((resolve) => child.on('close', (code) => resolve({ code, output })));
}

export const editBackup = (from: string, to: string, edit: (header: Record<string, unknown>) => void) => {
	const [first, ...rest] = gunzipSync(readFileSync(from)).toString('utf8').split('\n');
	const header = JSON.parse(first);
	edit(header);
	writeFileSync(to, gzipSync([JSON.stringify(header), ...rest].join('\n')));
};

/** A gzip file of `lines`, the last of them padded with `pad` bytes and never ended: written as a stream, as an attacker would. */
export async function gzipLines(to: string, lines: string[], pad: number) {
	const chunk = 'x'.repeat(1024 * 1024);
	await pipeline(
		async function* () {
			yield* lines;
			for (let n = 0; n < pad; n += chunk.length) yield chunk;
		},
		createGzip(),
		createWriteStream(to)
	);
}

/** How far memory grows from now until `stop`, sampled every few milliseconds. */
export function peakMemory() {
	const start = process.memoryUsage();
	const peak = { rss: start.rss, arrayBuffers: start.arrayBuffers };
	const sample = () => {
		const now = process.memoryUsage();
		peak.rss = Math.max(peak.rss, now.rss);
		peak.arrayBuffers = Math.max(peak.arrayBuffers, now.arrayBuffers);
	};
	const timer = setInterval(sample, 5);
	return {
		stop: () => {
			clearInterval(timer);
			sample();
			return { rss: peak.rss - start.rss, arrayBuffers: peak.arrayBuffers - start.arrayBuffers };
		}
	};
}
