import adapter from '@sveltejs/adapter-node';
import { withMemoizedMatchers } from './scripts/memoize-matchers.js';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	kit: {
		adapter: withMemoizedMatchers(adapter()),
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
	}
};

export default config;
