// SvelteKit's server manifest loads each route module through its `__memo`, so Node's module loader
// runs once per module; its param matchers, though, go through a fresh `import()` on every request
// (kit 2.70). That was about 5–10 % of a stored page's CPU here (a signed-in dashboard from the page
// cache: 387–444 µs of server CPU per request before, 374–381 µs after). Before adapter-node bundles the manifest,
// its matchers go through the same `__memo`.
import { readFileSync, writeFileSync } from 'node:fs';

const MATCHERS = /matchers: async \(\) => \{(\n[^]*?return \{[^}]*\};\n\s*)\}/;

/**
 * The manifest's source with its matchers loaded once; throws if SvelteKit's output no longer has the expected shape.
 * @param {string} source
 */
export function memoizeMatchers(source) {
	if (source.includes('matchers: __memo(')) return source;
	if (!source.includes('function __memo(') || !MATCHERS.test(source))
		throw new Error('SvelteKit server manifest: the matchers or __memo are not where scripts/memoize-matchers.js expects them');
	return source.replace(MATCHERS, 'matchers: __memo(async () => {$1})');
}

/**
 * The adapter, rewriting the built manifest just before it bundles it.
 * @param {import('@sveltejs/kit').Adapter} adapter
 * @returns {import('@sveltejs/kit').Adapter}
 */
export const withMemoizedMatchers = (adapter) => ({
	...adapter,
	async adapt(builder) {
		const file = `${builder.getServerDirectory()}/manifest.js`;
		writeFileSync(file, memoizeMatchers(readFileSync(file, 'utf8')));
		return adapter.adapt(builder);
	}
});
