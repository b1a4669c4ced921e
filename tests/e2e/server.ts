import { startServer, stopServer } from '../helpers/server';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
	export interface ProvidedContext {
		baseUrl: string;
		emptyBaseUrl: string;
	}
}

export default async function setup(project: TestProject) {
	const [demo, empty] = await Promise.all([startServer({}), startServer({ SEED_DEMO: '0' })]);
	project.provide('baseUrl', demo.url);
	project.provide('emptyBaseUrl', empty.url);
	return async () => {
		await Promise.all([stopServer(demo), stopServer(empty)]);
	};
}
