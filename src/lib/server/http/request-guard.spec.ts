import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refuseUnreadablePost } from './request-guard';

const post = (path: string, type: string | null, body: string) =>
	new Request(`http://127.0.0.1:3000${path}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body });

const FORM = 'application/x-www-form-urlencoded';
const guard = async (request: Request) => (await refuseUnreadablePost(request, new URL(request.url)))?.status ?? null;

/** A multipart body with the given parts, each `[name, value]`. */
const multipart = (parts: [string, string][], boundary = 'b') =>
	parts.map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') +
	`--${boundary}--\r\n`;

/**
 * What SvelteKit does with an action name (runtime/server/page/actions.js): the first query key
 * that starts with a slash names it, `default` throws, and the name is looked up on a plain
 * object, so one found on Object.prototype is "found" and called. Each of those ends in a 500.
 */
function sveltekitWouldFail(url: URL): boolean {
	for (const key of url.searchParams.keys()) {
		if (!key.startsWith('/')) continue;
		const name = key.slice(1);
		return name === 'default' || name in Object.prototype;
	}
	return false;
}

describe('refuseUnreadablePost', () => {
	it.each([
		['a plain form to a named action', post('/rounds/1?/close', FORM, 'confirm=yes'), null],
		['a good multipart form', post('/technologies/import?/preview', 'multipart/form-data; boundary=b', multipart([['a', '1']])), null],
		['an action name from Object.prototype', post('/rounds/1?/__proto__', FORM, ''), 404],
		['an action name with odd characters', post('/rounds/1?/close%00', FORM, ''), 404],
		['text/plain', post('/login', 'text/plain', 'email=a'), 415],
		['JSON', post('/login', 'application/json', '{}'), 415],
		['no content type', post('/login', null, ''), 415],
		['a multipart body that does not match its boundary', post('/login', 'multipart/form-data; boundary=b', 'garbage'), 400]
	])('%s', async (_, request, status) => {
		expect(await guard(request)).toBe(status);
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

describe('refuseUnreadablePost: hostile action names, which SvelteKit would answer with a 500', () => {
	it.each([
		['the reserved default', '?/default'],
		['valueOf', '?/valueOf'],
		['constructor', '?/constructor'],
		['hasOwnProperty', '?/hasOwnProperty'],
		['toString', '?/toString'],
		['isPrototypeOf', '?/isPrototypeOf'],
		['__defineGetter__', '?/__defineGetter__'],
		['__proto__', '?/__proto__'],
		['__proto__ after another key', '?x&/__proto__'],
		['__proto__ after a valued key', '?x=1&/__proto__=2'],
		['default after another key', '?page=2&/default'],
		['an encoded slash', '?%2F__proto__'],
		['an encoded slash and default', '?%2fdefault'],
		['__proto__ with a value', '?/__proto__=1'],
		['two hundred characters', `?/${'a'.repeat(200)}`],
		['unicode letters', '?/%C3%A4ction'],
		['an emoji', '?/%F0%9F%A7%A8'],
		['a NUL', '?/close%00'],
		['a space', '?/close%20it'],
		['a path', '?/close/../default'],
		['an empty name', '?/'],
		['a lone surrogate', '?/%ED%A0%80']
	])('%s (%s): 4xx', async (_, query) => {
		const status = await guard(post(`/rounds/1${query}`, FORM, 'confirm=yes'));
		expect(status).toBeGreaterThanOrEqual(400);
		expect(status).toBeLessThan(500);
	});

	it.each([
		['the first slash key wins', '?/close&/__proto__'],
		['a slash in a value names no action', '?x=/__proto__'],
		['no action at all (the default one)', '?page=2'],
		['no query', '']
	])('%s (%s): passes', async (_, query) => {
		expect(await guard(post(`/rounds/1${query}`, FORM, 'confirm=yes'))).toBeNull();
	});

	it('refuses every query string that would make SvelteKit fail, and only names it could not have', async () => {
		const key = fc.oneof(
			fc.constantFrom('/default', '/__proto__', '/constructor', '/valueOf', '/close', '/toString', 'x', 'page', '/'),
			fc.string({ unit: 'binary', maxLength: 12 }).map((s) => `/${s}`),
			fc.string({ unit: 'binary', maxLength: 12 })
		);
		await fc.assert(
			fc.asyncProperty(fc.array(fc.tuple(key, fc.string({ maxLength: 4 })), { maxLength: 4 }), async (pairs) => {
				const url = new URL(`http://127.0.0.1:3000/rounds/1?${new URLSearchParams(pairs)}`);
				const status = await guard(post(url.pathname + url.search, FORM, 'confirm=yes'));
				if (sveltekitWouldFail(url)) expect(status).toBe(404);
				else expect([null, 404]).toContain(status);
			}),
			{ numRuns: 300 }
		);
	});
});

describe('refuseUnreadablePost: hostile field names and bodies', () => {
	const names = ['\u0000', 'a\u0000b', 'n'.repeat(10_000), '__proto__', 'constructor', '🧨', ''];

	it.each(names.map((n) => [JSON.stringify(n).slice(0, 20), n]))(
		'a field named %s passes, in a URL-encoded or a multipart form (the action judges the name)',
		async (_, name) => {
			expect(await guard(post('/login', FORM, `${encodeURIComponent(name)}=1&${encodeURIComponent(name)}=2`))).toBeNull();
			const body = multipart([
				[name, '1'],
				[name, '2']
			]);
			expect(await guard(post('/login', 'multipart/form-data; boundary=b', body))).toBeNull();
		}
	);

	it.each([
		['text/plain', 'text/plain', 'email=a', 415],
		['JSON', 'application/json', '{"email":"a"}', 415],
		['JSON with a charset', 'application/json; charset=utf-8', '{}', 415],
		['XML', 'application/xml', '<a/>', 415],
		['a type that only starts like a form', 'application/x-www-form-urlencodedx', 'a=1', 415],
		['an empty content type', '', 'a=1', 415],
		['truncated multipart', 'multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1', 400],
		['the wrong boundary', 'multipart/form-data; boundary=c', multipart([['a', '1']]), 400],
		['no boundary', 'multipart/form-data', multipart([['a', '1']]), 400],
		['an empty boundary', 'multipart/form-data; boundary=', '--\r\n', 400],
		['an empty multipart body', 'multipart/form-data; boundary=b', '', 400],
		['a part without a disposition', 'multipart/form-data; boundary=b', '--b\r\n\r\n1\r\n--b--\r\n', 400],
		['a line break in a part name', 'multipart/form-data; boundary=b', multipart([['a\r\nX-Injected: 1', '1']]), 400],
		['upper-case multipart that is fine', 'Multipart/Form-Data; boundary=b', multipart([['a', '1']]), null],
		['a form with a charset', `${FORM}; charset=utf-8`, 'a=1', null],
		['broken percent-encoding', FORM, '%zz=%&a=%E0%A4%A', null],
		['a NUL in the body', FORM, 'a=%00&%00=b', null],
		['an empty form', FORM, '', null]
	])('%s', async (_, type, body, status) => {
		expect(await guard(post('/login', type, body))).toBe(status);
	});

	it('leaves anything but a POST alone', async () => {
		const get = new Request('http://127.0.0.1:3000/rounds/1?/__proto__', { method: 'GET' });
		expect(await guard(get)).toBeNull();
	});
});
