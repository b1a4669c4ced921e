import { startServer, stopServer } from '../helpers/server';
import { demoDataDir } from './demo-template';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		/** A demo server per worker: files that run side by side never change each other's data. */
		baseUrls: string[];
		/** A server with no data, for the first-run journey (foundation.test.ts), which ends its first-run state. */
		emptyBaseUrl: string;
	}
}

export default async function setup(project: TestProject) {
	const workers = Math.max(1, Number(project.config.maxWorkers) || 1);
	const demo = await demoDataDir();
	const servers = await Promise.all([
		startServer({ SEED_DEMO: '0' }, { demoDataDir: '' }),
		...Array.from({ length: workers }, () => startServer({}, { demoDataDir: demo }))
	]);
	const [empty, ...demos] = servers;
	project.provide(
		'baseUrls',
		demos.map((s) => s.url)
	);
	project.provide('emptyBaseUrl', empty.url);
	return async () => {
		await Promise.all(servers.map((s) => stopServer(s)));
	};
}
