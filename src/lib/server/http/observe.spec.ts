import { describe, expect, it, vi } from 'vitest';
import { metrics } from '#lib/server/metrics.ts';
import { log } from '#lib/server/log.ts';
import { observe } from './observe';

/** The parts of a RequestEvent that observe reads. */
function event(routeId: string | null, userId?: number) {
	return {
		request: new Request('http://localhost/rounds/7?token=abc', { method: 'GET', headers: { 'x-request-id': 'spoofed' } }),
		route: { id: routeId },
		locals: { user: userId ? { id: userId, email: 'ann@example.com' } : null, session: null }
	} as never as Parameters<typeof observe>[0]['event'];
}

async function observed(e: ReturnType<typeof event>, resolve: () => Promise<Response>) {
	const lines: string[] = [];
	const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
	try {
		const response = await observe({ event: e, resolve: resolve as never });
		return { response, lines: lines.map((l) => JSON.parse(l)) };
	} finally {
		spy.mockRestore();
	}
}

const count = async (route: string, status: string) =>
	(await metrics.httpDuration.get()).values.find(
		(v) => v.metricName === 'http_request_duration_seconds_count' && v.labels.route === route && v.labels.status === status
	)?.value ?? 0;

describe('observe', () => {
	it('gives each request its own id: on locals, in a header and in every line it logs, and writes one access line', async () => {
		const e = event('/(app)/rounds/[id=id]', 42);
		const before = await count('/(app)/rounds/[id=id]', '200');
		const { response, lines } = await observed(e, async () => {
			log.info('inside the request');
			return new Response('ok');
		});
		const id = (e.locals as { requestId: string }).requestId;
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
		expect(id).not.toBe('spoofed');
		expect(response.headers.get('x-request-id')).toBe(id);
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatchObject({ msg: 'inside the request', requestId: id });
		expect(lines[1]).toMatchObject({
			msg: 'request',
			requestId: id,
			method: 'GET',
			route: '/(app)/rounds/[id=id]',
			status: 200,
			userId: 42
		});
		expect(lines[1].durationMs).toBeGreaterThanOrEqual(0);
		expect(JSON.stringify(lines)).not.toMatch(/ann@example\.com|token=abc|\/rounds\/7/);
		expect(await count('/(app)/rounds/[id=id]', '200')).toBe(before + 1);

		const other = event(null);
		const second = await observed(other, async () => new Response('gone', { status: 404 }));
		expect(second.response.headers.get('x-request-id')).not.toBe(id);
		expect(second.lines[0]).toMatchObject({ route: null, status: 404, userId: null });
	});

	it('logs and counts a request whose handling threw as a 500, and copies a response whose headers are immutable', async () => {
		const before = await count('/boom', '500');
		const failed = await observed(event('/boom'), async () => {
			throw new Error('boom');
		}).catch((e: Error) => e);
		expect(failed).toBeInstanceOf(Error);
		expect(await count('/boom', '500')).toBe(before + 1);

		// Response.redirect's headers are immutable, as are those of a response fetched from elsewhere.
		const fetched = Response.redirect('http://example.test/', 303);
		expect(() => fetched.headers.set('x', '1')).toThrow(TypeError);
		const { response } = await observed(event('/copy'), async () => fetched);
		expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
	});
});
