import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../helpers/db';
import { document } from '../helpers/api-client';
import { throughHooks } from '../helpers/through-hooks';

useTestDatabase();

/**
 * What SvelteKit's server answers after the hooks when it cannot decode the path (respond.js:
 * `resolved_path = null`, then its error page): HTML, before any route is chosen.
 */
const sveltekitErrorPage = () =>
	new Response('<!doctype html><h1>400</h1><p>Malformed URI</p>', { status: 400, headers: { 'content-type': 'text/html' } });

const request = (path: string, method = 'GET') => throughHooks(path, null, sveltekitErrorPage, { method }).then(({ response }) => response);

/** Every documented path, with a bad escape where a parameter goes, or appended to it. */
const badPaths = Object.keys(document.paths ?? {}).map((template) =>
	template.includes('{') ? `/api/v1${template.replace(/\{\w+\}/g, '%FF')}` : `/api/v1${template}/%E0%A4%A`
);

describe('a path that cannot be percent-decoded, under /api/v1', () => {
	it(`answers 400 problem+json on every documented path (${badPaths.length})`, async () => {
		expect(badPaths.length).toBeGreaterThanOrEqual(16);
		for (const path of [...badPaths, '/api/v1/%FF', '/api/v%31/technologies/%FF']) {
			const response = await request(path, path.includes('rounds') ? 'POST' : 'GET');
			expect(response.status, path).toBe(400);
			expect(response.headers.get('content-type'), path).toBe('application/problem+json');
			expect(await response.json(), path).toMatchObject({
				type: 'about:blank',
				status: 400,
				title: 'Bad Request',
				errors: [{ field: 'path', message: 'not valid percent-encoding' }]
			});
			// The security headers wrap it, as every answer.
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		}
	});

	it('leaves decodable API paths and the pages alone', async () => {
		expect((await request('/invite/%FF')).headers.get('content-type')).toBe('text/html');
		const fine = await throughHooks('/api/v1/technologies/%25FF', null, () => new Response('routed', { status: 404 }));
		expect(await fine.response.text()).toBe('routed');
	});
});
