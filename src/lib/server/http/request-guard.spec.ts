import { describe, expect, it } from 'vitest';
import { refuseUnreadablePost } from './request-guard';

const post = (path: string, type: string | null, body: string) =>
	new Request(`http://127.0.0.1:3000${path}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body });

describe('refuseUnreadablePost', () => {
	it.each([
		['a plain form to a named action', post('/rounds/1?/close', 'application/x-www-form-urlencoded', 'confirm=yes'), null],
		[
			'a good multipart form',
			post(
				'/technologies/import?/preview',
				'multipart/form-data; boundary=b',
				'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n'
			),
			null
		],
		['an action name from Object.prototype', post('/rounds/1?/__proto__', 'application/x-www-form-urlencoded', ''), 404],
		['an action name with odd characters', post('/rounds/1?/close%00', 'application/x-www-form-urlencoded', ''), 404],
		['text/plain', post('/login', 'text/plain', 'email=a'), 415],
		['JSON', post('/login', 'application/json', '{}'), 415],
		['no content type', post('/login', null, ''), 415],
		['a multipart body that does not match its boundary', post('/login', 'multipart/form-data; boundary=b', 'garbage'), 400]
	])('%s', async (_, request, status) => {
		const res = await refuseUnreadablePost(request, new URL(request.url));
		expect(res?.status ?? null).toBe(status);
	});

	it('answers JSON to an enhanced form, so the page can show the message', async () => {
		const request = new Request('http://x/login', {
			method: 'POST',
			headers: { 'content-type': 'text/plain', accept: 'application/json' },
			body: 'x'
		});
		const res = (await refuseUnreadablePost(request, new URL(request.url)))!;
		expect(await res.json()).toMatchObject({ type: 'error', error: { message: expect.stringContaining('web form') } });
	});
});
