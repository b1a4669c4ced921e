import { describe, expect, it } from 'vitest';
import { useOwnServer } from '../helpers/server';
import { openBrowser, signIn } from './browser';

// Each page the page cache keeps, rendered twice for one person and again after another person's
// write: the same page both times, and the write in view at once. With PAGE_CACHE=0 the pages are
// the same; only the counter of stored pages served stays still.
const CACHED = ['/', '/technologies/kafka', '/portfolio'];
const METRICS_TOKEN = 'page-cache-test-metrics-token';

for (const [label, env, storing] of [
	['with the page cache', {}, true],
	['with PAGE_CACHE=0', { PAGE_CACHE: '0' }, false]
] as const) {
	describe(label, () => {
		const server = useOwnServer({ METRICS_TOKEN, ...env });

		/** Stored pages served so far, from /metrics. */
		async function served() {
			const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
			return Number(/^opsmaturity_page_cache_total\{outcome="hit"\} (\d+)$/m.exec(text)?.[1] ?? 0);
		}

		it("renders each kept page the same twice, and anew after another person's write", async () => {
			const [member, lead] = [await openBrowser(), await openBrowser()];
			try {
				const memberPage = await member.context.newPage();
				await signIn(memberPage, 'member@example.com', undefined, server.url);
				const get = async (path: string) => {
					const response = await member.context.request.get(`${server.url}${path}`);
					expect(response.status()).toBe(200);
					return response.text();
				};

				// The server's own background work (the job queue's upkeep) commits now and then, and any commit ends
				// what is stored: a pair of requests may straddle one. Three pairs in a row never did (with the cache).
				for (const path of CACHED) {
					let hits = 0;
					for (let pair = 0; pair < 3 && hits === 0; pair++) {
						const before = await served();
						const page = await get(path);
						expect(await get(path), path).toBe(page);
						hits = (await served()) - before;
					}
					expect(hits, path).toBe(storing ? 1 : 0);
				}

				const leadPage = await lead.context.newPage();
				await signIn(leadPage, 'lead@example.com', undefined, server.url);
				await leadPage.goto(`${server.url}/technologies/kafka/edit`);
				await leadPage.getByLabel('Description').fill('Rewritten by the lead while the member reads.');
				await leadPage.getByRole('button', { name: 'Save changes' }).click();
				await leadPage.waitForURL(/\/technologies\/kafka$/);

				for (const path of CACHED) {
					const before = await served();
					const again = await get(path);
					expect(await served(), `${path} is rendered anew`).toBe(before);
					if (path === '/technologies/kafka') expect(again).toContain('Rewritten by the lead while the member reads.');
				}
			} finally {
				await Promise.all([member.close(), lead.close()]);
			}
		});
	});
}
