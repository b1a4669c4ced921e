import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { freePort } from './server';

/**
 * A PostgreSQL server of the test's own, on a temporary directory and port, that the test may
 * stop and start at will. The shared server on 5432 is never touched.
 */
export type PrivatePostgres = { url: string; port: number; start(): void; stop(): void; destroy(): void };

function binDir(): string {
	const root = '/usr/lib/postgresql';
	const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
	return path.join(root, versions[0], 'bin');
}

/** initdb refuses to run as root, so as root the server runs as the postgres account. */
function run(command: string, args: string[]) {
	const asRoot = userInfo().uid === 0;
	const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
	execFileSync(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
	const bin = binDir();
	const dir = mkdtempSync(path.join(tmpdir(), 'opsm-pg-'));
	if (userInfo().uid === 0) {
		const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
		const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
		chownSync(dir, uid, gid);
	}
	const data = path.join(dir, 'data');
	const port = await freePort();
	run(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
	const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
	const start = () => run(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-o', options, '-w', 'start']);
	const stop = () => run(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
	start();
	return {
		url: `postgres://postgres@127.0.0.1:${port}/postgres`,
		port,
		start,
		stop,
		destroy() {
			try {
				stop();
			} catch {
				// already stopped
			}
			rmSync(dir, { recursive: true, force: true });
		}
	};
}
