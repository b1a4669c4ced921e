import type { Handle } from '@sveltejs/kit/hooks';
import { metrics } from '#lib/server/metrics.ts';
import { log, withRequestContext } from '#lib/server/log.ts';

export const REQUEST_ID_HEADER = 'x-request-id';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The request's id, its access log line and its duration histogram. First in the chain, so it
 * measures every other hook too. The id is never taken from the request: a client could otherwise
 * reuse another request's id or write whatever it likes into our log lines.
 */
export const observe: Handle = async ({ event, resolve }) => {
	const requestId = crypto.randomUUID();
	event.locals.requestId = requestId;
	const started = performance.now();
	let status = 500;
	try {
		let response = await withRequestContext({ requestId }, () => resolve(event));
		status = response.status;
		try {
			response.headers.set(REQUEST_ID_HEADER, requestId);
		} catch {
			// A response with immutable headers (one fetched from elsewhere) gets a copy.
			response = new Response(response.body, response);
			response.headers.set(REQUEST_ID_HEADER, requestId);
		}
		return response;
	} finally {
		const seconds = (performance.now() - started) / 1000;
		const method = METHODS.has(event.request.method) ? event.request.method : 'OTHER';
		// The route id (`/(app)/rounds/[id=id]`), never the path: paths carry ids and tokens, and would make a series per URL.
		const route = event.route.id;
		metrics.httpDuration.observe({ route: route ?? 'unmatched', method, status: String(status) }, seconds);
		log.info('request', {
			requestId,
			method,
			route,
			status,
			durationMs: Math.round(seconds * 10_000) / 10,
			userId: event.locals.user?.id ?? null,
			// Which token made an API request, so a leaked one can be traced in the logs.
			...(event.locals.apiTokenId !== undefined ? { tokenId: event.locals.apiTokenId } : {})
		});
	}
};
