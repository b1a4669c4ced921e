import { describe, expect, it } from 'vitest';
import { crossSiteFormRefusal } from './cross-site';

const url = new URL('http://127.0.0.1:3000/login');
const post = (headers: Record<string, string>, method = 'POST') =>
	new Request(url, { method, headers, body: method === 'GET' ? undefined : 'a=1' });

describe('crossSiteFormRefusal', () => {
	it.each([
		['a form from this origin', { origin: 'http://127.0.0.1:3000', 'content-type': 'application/x-www-form-urlencoded' }, 'POST', false],
		['a JSON body (not a form; CORS guards it)', { origin: 'http://evil.example', 'content-type': 'application/json' }, 'POST', false],
		['a form from another origin', { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, 'POST', true],
		[
			'a multipart form with a charset-less boundary',
			{ origin: 'http://localhost:3000', 'content-type': 'multipart/form-data; boundary=x' },
			'POST',
			true
		],
		['text/plain in capitals', { origin: 'http://evil.example', 'content-type': 'TEXT/PLAIN' }, 'DELETE', true],
		['a form without an Origin header', { 'content-type': 'application/x-www-form-urlencoded' }, 'PATCH', true]
	])('%s', (_, headers, method, refused) => {
		expect(crossSiteFormRefusal(post(headers, method), url) !== null).toBe(refused);
	});

	it('explains ORIGIN instead of only refusing, and escapes what the request said', async () => {
		const res = crossSiteFormRefusal(
			post({ origin: 'http://<b>localhost</b>:3000', 'content-type': 'application/x-www-form-urlencoded' }),
			url
		)!;
		expect(res.status).toBe(403);
		const html = await res.text();
		expect(html).toContain('set the ORIGIN environment variable');
		expect(html).toContain('http://127.0.0.1:3000');
		expect(html).not.toContain('<b>');
	});
});
