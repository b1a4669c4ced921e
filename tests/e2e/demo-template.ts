import { rmSync } from 'node:fs';
import { startServer, stopServer } from '../helpers/server';
import type { TestProject } from 'vitest/node';

const MADE = Symbol.for('opsmaturity.e2e.demoDataDir');
type Made = { [MADE]?: Promise<string> };

/** The database directory of a demo server started and stopped once per run, in the runner's own process. */
export function demoDataDir(): Promise<string> {
	const made = globalThis as Made;
	return (made[MADE] ??= startServer({}, { demoDataDir: '' }).then(async (server) => {
		const code = await stopServer(server, true, true);
		if (code !== 0) throw new Error(`the demo template's server exited with ${code}:\n${server.output.join('')}`);
		return server.dir;
	}));
}

/** Global setup of both browser projects: every demo server of the run starts from a copy of one (startServer). */
export default async function setup(project: TestProject) {
	const first = !(globalThis as Made)[MADE];
	const dir = await demoDataDir();
	project.provide('demoDataDir', dir);
	if (!first) return;
	return () => {
		delete (globalThis as Made)[MADE];
		rmSync(dir, { recursive: true, force: true });
	};
}
