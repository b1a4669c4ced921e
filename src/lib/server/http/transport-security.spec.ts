import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sirv from 'sirv';
import { afterEach, describe, expect, it } from 'vitest';
import { servedOverHttps, STRICT_TRANSPORT_SECURITY, withTransportSecurity } from './transport-security.js';

// adapter-node's handler answers static files with sirv (build/handler.js) before any hook: the same sirv, on static/.
const statics = sirv('static', { etag: true, gzip: false, brotli: false });
let server: http.Server | undefined;

async function fetchStatic(env: { ORIGIN?: string; PROTOCOL_HEADER?: string }, headers: Record<string, string> = {}) {
	const handler = withTransportSecurity(statics, env);
	server = http.createServer((req, res) => handler(req, res, () => void res.writeHead(404).end('Not found')));
	await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const response = await fetch(`http://127.0.0.1:${port}/favicon.svg`, { headers });
	await response.arrayBuffer();
	return response;
}

async function stop() {
	const running = server;
	server = undefined;
	if (!running) return;
	running.closeAllConnections();
	await new Promise((resolve) => running.close(resolve));
}
afterEach(stop);

describe('static files carry HSTS where the site is https, like every other answer', () => {
	it('under an https ORIGIN', async () => {
		const response = await fetchStatic({ ORIGIN: 'https://maturity.example.com' });
		expect(response.status).toBe(200);
		expect(response.headers.get('content-type')).toContain('svg');
		expect(response.headers.get('strict-transport-security')).toBe(STRICT_TRANSPORT_SECURITY);
	});

	it('not under an http ORIGIN (a laptop), which a browser would ignore anyway', async () => {
		const response = await fetchStatic({ ORIGIN: 'http://localhost:3000' });
		expect(response.status).toBe(200);
		expect(response.headers.get('strict-transport-security')).toBeNull();
	});

	it('behind a proxy that names the protocol, when it says https', async () => {
		const env = { PROTOCOL_HEADER: 'x-forwarded-proto' };
		expect((await fetchStatic(env, { 'x-forwarded-proto': 'https' })).headers.get('strict-transport-security')).toBe(
			STRICT_TRANSPORT_SECURITY
		);
		await stop();
		expect((await fetchStatic(env, { 'x-forwarded-proto': 'http' })).headers.get('strict-transport-security')).toBeNull();
	});

	it.each([
		[{ ORIGIN: 'https://a.example' }, {}, true],
		[{ ORIGIN: 'http://a.example', PROTOCOL_HEADER: 'x-forwarded-proto' }, { 'x-forwarded-proto': 'https' }, false],
		[{ PROTOCOL_HEADER: 'X-Forwarded-Proto' }, { 'x-forwarded-proto': 'https, http' }, true],
		[{}, { 'x-forwarded-proto': 'https' }, false]
	])('%j with %j is https: %s', (env, headers, https) => {
		expect(servedOverHttps(env, headers)).toBe(https);
	});
});
