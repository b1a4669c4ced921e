import type { Handle } from '@sveltejs/kit/hooks';
import { databaseAvailable, isConnectionFailure, markDatabaseDown } from '#lib/server/db/availability.ts';

/** Seconds a client is asked to wait before trying again while the database is away. */
const RETRY_AFTER_S = 5;
const MESSAGE = 'Opsmaturity cannot reach its database right now. Nothing you saved is lost; try again in a few seconds.';

// Self-contained (no stylesheet, no script): the app cannot render pages while this is shown.
const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_S}"><title>Opsmaturity is unavailable</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; line-height: 1.5">
<h1>Back in a moment</h1><p>${MESSAGE}</p><p>This page reloads itself.</p></body></html>`;

/** A 503 with Retry-After: JSON for scripts, form enhancement and client navigation, a page for people. */
function unavailable(request: Request, url: URL): Response {
	const headers = { 'retry-after': String(RETRY_AFTER_S), 'cache-control': 'no-store' };
	const wantsJson =
		url.pathname.endsWith('/__data.json') || request.headers.has('x-sveltekit-action') || /json/.test(request.headers.get('accept') ?? '');
	if (wantsJson) return Response.json({ type: 'error', status: 503, error: { message: MESSAGE } }, { status: 503, headers });
	return new Response(PAGE, { status: 503, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}

/**
 * While the database is unreachable, everything but the health checks answers 503 at once
 * rather than waiting on a connection; a request that failed on the connection itself (its
 * error marked the database down) is answered the same way instead of with a 500.
 */
export const databaseGate: Handle = async ({ event, resolve }) => {
	const path = event.url.pathname;
	// Health checks and metrics must answer most of all while the database is away.
	if (path === '/healthz' || path === '/readyz' || path === '/metrics') return resolve(event);
	if (!databaseAvailable()) return unavailable(event.request, event.url);
	try {
		const response = await resolve(event);
		return response.status >= 500 && !databaseAvailable() ? unavailable(event.request, event.url) : response;
	} catch (error) {
		// Thrown by a later hook (the session look-up), which SvelteKit would answer with a 500.
		if (!isConnectionFailure(error)) throw error;
		markDatabaseDown(error);
		return unavailable(event.request, event.url);
	}
};
