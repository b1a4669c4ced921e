import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';

declare module 'vitest' {
	export interface ProvidedContext {
		/** An embedded database already migrated and seeded with the demo data (tests/e2e/demo-template.ts). */
		demoDataDir?: string;
	}
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => resolve(port));
		});
		srv.on('error', reject);
	});
}

export type Running = { child: ChildProcess; url: string; dir: string; output: string[] };

/** The Node flags production starts the server with, read from `npm start`'s script: tests and benchmarks run it alike. */
export const SERVER_NODE_FLAGS: string[] = (() => {
	const start: string = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start;
	const flags = /^node((?: +-\S+)*) +server\.js$/.exec(start);
	if (!flags) throw new Error(`npm start's script is no longer "node [flags] server.js": ${start}`);
	return flags[1].split(' ').filter(Boolean);
})();

/**
 * Starts the built server (`npm run build` first) the way production does, on its own embedded database.
 * A demo server starts from a copy of the suite's demo database where there is one: creating the database,
 * migrating and seeding it cost 12 s of CPU per server, opening a copy 4 s.
 */
export async function startServer(
	env: Record<string, string>,
	{
		until = '/readyz',
		port,
		demoDataDir = inject('demoDataDir')
	}: { until?: '/readyz' | '/healthz'; port?: number; demoDataDir?: string } = {}
): Promise<Running> {
	port ??= await freePort();
	const dir = mkdtempSync(path.join(tmpdir(), 'opsm-e2e-'));
	if (demoDataDir && !('DATABASE_URL' in env || 'SEED_DEMO' in env || 'DATA_DIR' in env)) cpSync(demoDataDir, dir, { recursive: true });
	const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, 'server.js'], {
		env: {
			...process.env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dir,
			ORIGIN: `http://127.0.0.1:${port}`,
			DATABASE_URL: '',
			// Tests stop servers often; the drain phase has tests of its own.
			SHUTDOWN_DRAIN_MS: '0',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	const output: string[] = [];
	child.stdout!.on('data', (d) => output.push(String(d)));
	child.stderr!.on('data', (d) => output.push(String(d)));
	const url = `http://127.0.0.1:${port}`;
	const deadline = Date.now() + 90_000;
	while (Date.now() < deadline) {
		if (child.exitCode !== null) throw new Error(`server exited:\n${output.join('')}`);
		try {
			if ((await fetch(`${url}${until}`)).ok) return { child, url, dir, output };
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	throw new Error(`server did not become ready:\n${output.join('')}`);
}

/** SIGTERM must drain and exit promptly; a hang here fails the run. `keep` leaves its database directory. Returns the exit code. */
export async function stopServer(s: Running, quiet = false, keep = false) {
	const exited = new Promise<number | null>((resolve) => s.child.once('exit', (code) => resolve(code)));
	const started = Date.now();
	s.child.kill('SIGTERM');
	const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000));
	const result = await Promise.race([exited, timeout]);
	if (!keep) rmSync(s.dir, { recursive: true, force: true });
	if (result === 'timeout') {
		s.child.kill('SIGKILL');
		throw new Error('server did not exit within 10 s of SIGTERM');
	}
	if (!quiet) process.stdout.write(`server stopped ${Date.now() - started} ms after SIGTERM\n`);
	return result;
}

/** A demo server of a test file's own, for journeys that change what other files rely on. */
export function useOwnServer(env: Record<string, string> = {}): Running {
	const server = {} as Running;
	beforeAll(async () => void Object.assign(server, await startServer(env)));
	afterAll(async () => stopServer(server, true));
	return server;
}
