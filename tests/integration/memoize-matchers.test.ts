import { describe, expect, it } from 'vitest';
import { memoizeMatchers } from '../../scripts/memoize-matchers.js';

/** The end of SvelteKit's server manifest (.svelte-kit/output/server/manifest.js) as kit 2.70 writes it. */
const MANIFEST = `export const manifest = (() => {
function __memo(fn) {
	let value;
	return () => value ??= (value = fn());
}

return {
	_: {
		prerendered_routes: new Set([]),
		matchers: async () => {
			const { match: id } = await import ('./entries/matchers/id.js')
			const { match: roundStep } = await import ('./entries/matchers/roundStep.js')
			return { id, roundStep };
		},
		server_assets: {}
	}
}
})();`;

/** Evaluates the manifest with import() replaced by a counter, and asks for its matchers the way each request does. */
async function matchersOf(source: string) {
	const imports: string[] = [];
	const body = source.replace('export const manifest =', 'return').replaceAll('await import (', 'await load(');
	const manifest = new Function('load', body)(async (path: string) => {
		imports.push(path);
		return { match: () => path };
	});
	const first = await manifest._.matchers();
	const second = await manifest._.matchers();
	return { imports, first, second };
}

describe('memoizeMatchers (the build step in svelte.config.js)', () => {
	it("imports the matchers once, where SvelteKit's own manifest imports them on every request", async () => {
		expect((await matchersOf(MANIFEST)).imports).toHaveLength(4);
		const memoized = await matchersOf(memoizeMatchers(MANIFEST));
		expect(memoized.imports).toEqual(['./entries/matchers/id.js', './entries/matchers/roundStep.js']);
		expect(memoized.second).toBe(memoized.first);
		expect(memoized.first.id()).toBe('./entries/matchers/id.js');
	});

	it('leaves a manifest it already changed as it is, and stops the build when the shape is not the expected one', () => {
		const once = memoizeMatchers(MANIFEST);
		expect(memoizeMatchers(once)).toBe(once);
		expect(() => memoizeMatchers(MANIFEST.replace('matchers: async () =>', 'matchers: () =>'))).toThrow(/memoize-matchers/);
		expect(() => memoizeMatchers(MANIFEST.replace('function __memo(', 'function memo('))).toThrow(/memoize-matchers/);
	});
});
