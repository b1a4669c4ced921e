import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

/**
 * Suites against a database: `integration` covers each feature once and runs in `npm test`; `deep` holds
 * the sweeps (fuzzing every form, the backup command line, old databases, driver parity) for `npm run
 * test:all` and CI. Files that replace a module with vi.mock need a module graph of their own; the rest
 * share one per worker, each file still with a database of its own (useTestDatabase) and state that
 * outlives a file kept per database handle (perDatabase): importing the app anew for every file cost
 * about a quarter of the suite.
 */
const MOCKING = ['tests/integration/refuse-before-hashing.test.ts', 'tests/deep/fuzz-actions.test.ts'];
const databaseSuites = (['integration', 'deep'] as const).flatMap((name) => {
	const files = `tests/${name}/**/*.test.ts`;
	const test = { environment: 'node' as const, globalSetup: ['tests/helpers/global-setup.ts'], testTimeout: 30_000, hookTimeout: 60_000 };
	return [
		{
			extends: './vite.config.ts',
			test: { ...test, name, include: [files], exclude: MOCKING, isolate: false, provide: { sharedModules: true } }
		},
		{
			extends: './vite.config.ts',
			test: { ...test, name: `${name}-mocking`, include: MOCKING.filter((f) => f.startsWith(`tests/${name}/`)) }
		}
	];
});

/**
 * The browser suite runs two files at a time, each worker on a demo server of its own (tests/e2e/server.ts);
 * with less CPU spent per page (docs/testing.md), that took it from 499 s to under 300 s. Files whose assertions are about time (an
 * outage answered within 2 s, a drain, a second start without a build, a vote seen within a second, no
 * duplicate mail within a wait) run afterwards, one at a time, so that no neighbour's load decides them.
 */
const ALONE = ['operate', 'calibration', 'mail-instances'].map((name) => `tests/e2e/${name}.test.ts`);
const browserSuites = [
	{
		name: 'e2e',
		include: ['tests/e2e/**/*.test.ts'],
		exclude: ALONE,
		globalSetup: ['tests/e2e/demo-template.ts', 'tests/e2e/server.ts'],
		maxWorkers: 2,
		groupOrder: 0
	},
	{ name: 'e2e-alone', include: ALONE, globalSetup: ['tests/e2e/demo-template.ts'], maxWorkers: 1, groupOrder: 1 }
].map(({ groupOrder, ...test }) => ({
	extends: './vite.config.ts',
	test: { ...test, environment: 'node' as const, sequence: { groupOrder }, testTimeout: 60_000, hookTimeout: 120_000 }
}));

export default defineConfig({
	plugins: [
		sveltekit({
			adapter: adapter(),
			// The same check runs in hooks.server.ts (sameOriginForms), where its refusal can explain ORIGIN.
			csrf: { trustedOrigins: ['*'] },
			csp: {
				// Hashes, not nonces: a page served again from the page cache (page-cache.ts) must not repeat a nonce.
				// In this mode SvelteKit gives streamed load data (a promise returned by a load) no hash: no load streams.
				mode: 'hash',
				directives: {
					'default-src': ['self'],
					'script-src': ['self'],
					// Svelte and Chart.js set inline style attributes; scripts stay hash-only.
					'style-src': ['self', 'unsafe-inline'],
					'img-src': ['self', 'data:'],
					'font-src': ['self'],
					'connect-src': ['self'],
					'object-src': ['none'],
					'base-uri': ['self'],
					'form-action': ['self'],
					'frame-ancestors': ['none']
				}
			}
		})
	],
	test: {
		expect: { requireAssertions: true },
		// Vitest's default leaves a core idle on a 2-core machine (one worker fewer than the cores).
		maxWorkers: 2,
		projects: [
			{
				extends: './vite.config.ts',
				test: {
					name: 'unit',
					environment: 'node',
					include: ['src/**/*.spec.ts']
				}
			},
			...databaseSuites,
			{
				extends: './vite.config.ts',
				test: {
					name: 'bench',
					environment: 'node',
					include: ['bench/**/*.bench.ts'],
					expect: { requireAssertions: false },
					fileParallelism: false,
					testTimeout: 900_000
				}
			},
			...browserSuites
		]
	}
});
