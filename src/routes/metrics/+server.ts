import { env } from '#lib/server/env.ts';
import { bearerMatches } from '#lib/server/http/bearer.ts';
import { metrics } from '#lib/server/metrics.ts';
import type { RequestHandler } from './$types';

/** Prometheus metrics: absent unless METRICS_TOKEN is set, then for the bearer of that token only. */
export const GET: RequestHandler = async ({ request }) => {
	const token = env.METRICS_TOKEN;
	if (!token) return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });
	if (!bearerMatches(request.headers.get('authorization'), token))
		return new Response('Unauthorized', { status: 401, headers: { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' } });
	return new Response(await metrics.registry.metrics(), {
		headers: { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' }
	});
};
