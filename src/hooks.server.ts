import { sequence, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit/hooks';
import { env } from '#lib/server/env.ts';
import { loginRedirect } from '#lib/server/auth/policy.ts';
import { SESSION_COOKIE, deleteSessionCookie, sessionCookieOptions, validateSessionToken } from '#lib/server/auth/session.ts';
import { databaseOptionsFromEnv, startDatabaseWithRetry, stopDatabase, stopStarting } from '#lib/server/db/index.ts';
import { isConnectionFailure, markDatabaseDown } from '#lib/server/db/availability.ts';
import { perDatabase } from '#lib/server/db/prepared.ts';
import { DEMO_PASSWORD, seedDemoIfEmpty, shouldSeed } from '#lib/server/db/seed/index.ts';
import { DEMO_PEOPLE } from '#lib/server/db/seed/people.ts';
import { ensureFramework } from '#lib/server/queries/framework.ts';
import { startOidc } from '#lib/server/auth/oidc.ts';
import { authenticateToken } from '#lib/server/queries/api-tokens.ts';
import { startJobs, stopJobs } from '#lib/server/jobs/index.ts';
import { countUsers } from '#lib/server/queries/users.ts';
import { log } from '#lib/server/log.ts';
import { crossSiteFormRefusal } from '#lib/server/http/cross-site.ts';
import { malformedApiPath, refuseUnreadablePost } from '#lib/server/http/request-guard.ts';
import { securityHeaders } from '#lib/server/http/security-headers.ts';
import { databaseGate } from '#lib/server/http/availability.ts';
import { observe } from '#lib/server/http/observe.ts';
import { pageCache } from '#lib/server/http/page-cache.ts';

export const init: ServerInit = async () => {
	// A provider that cannot be read is a setting to fix, not an outage to wait out: stop with the reason.
	try {
		await startOidc();
	} catch (error) {
		process.stderr.write(
			`Opsmaturity cannot start: the single sign-on provider at ${env.OIDC_ISSUER} could not be read (${error instanceof Error ? error.message : String(error)}). Check OIDC_ISSUER and that ${env.OIDC_ISSUER}/.well-known/openid-configuration answers from this server.\n`
		);
		process.exit(2);
	}
	const options = databaseOptionsFromEnv();
	const where = options.kind === 'pglite' ? `embedded database in ${options.dataDir}` : 'PostgreSQL';
	// Starting while the database is away does not exit: pages say 503 until a retry gets through.
	try {
		await startDatabaseWithRetry(
			async () => {
				await ensureFramework();
				const seeded = shouldSeed(env.SEED_DEMO, options.kind) && (await seedDemoIfEmpty());
				await startJobs();
				log.info(`Opsmaturity is using the ${where}.`);
				if (seeded) {
					const logins = DEMO_PEOPLE.slice(0, 4).map((p) => `  ${p.email.padEnd(22)} ${p.role}`);
					log.info(`Demo data seeded. Sign in with password "${DEMO_PASSWORD}" as:\n${logins.join('\n')}`);
				}
			},
			(attempt, error, retryInMs) => log.error(`Cannot open the ${where} (attempt ${attempt}); trying again in ${retryInMs} ms`, error)
		);
	} catch (error) {
		// PGlite changed under db/pglite-prepared.ts: a setting or a pin to fix, not an outage to wait out.
		stopStarting(error);
	}
	// The address people should open: ORIGIN when set (npm start sets it), else where the server listens.
	const host = !env.HOST || env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
	log.info(`Open ${env.ORIGIN || `http://${host}:${env.PORT || 3000}`}`);
	// server.js emits this once requests have drained on SIGTERM/SIGINT, and waits for the pool to close.
	// server.js awaits what each sveltekit:shutdown listener returns, so this one may be async.
	// eslint-disable-next-line @typescript-eslint/no-misused-promises
	process.once('sveltekit:shutdown' as never, async () => {
		// Jobs in flight get a few seconds; the database closes after them either way.
		const grace = new Promise((resolve) => setTimeout(resolve, 4000).unref());
		await Promise.race([stopJobs().catch((error) => log.warn('Stopping the job queue failed', { error: String(error) })), grace]);
		await stopDatabase();
	});
};

// /metrics checks its own bearer token.
const PUBLIC_PATHS = ['/login', '/setup', '/healthz', '/readyz', '/metrics', '/auth/oidc', '/auth/oidc/callback'];
const isPublic = (path: string) =>
	PUBLIC_PATHS.includes(path) ||
	path.startsWith('/invite/') ||
	path.startsWith('/unsubscribe/') ||
	// A published radar address: the secret in the path is the credential, and all it opens is the radar.
	path.startsWith('/published/') ||
	// The API answers 401 problem+json itself; its reference is for anyone.
	path === '/api' ||
	path.startsWith('/api/') ||
	path.startsWith('/_app/') ||
	path === '/favicon.svg';

// By route as well as path: SvelteKit routes the decoded path, so /api/v%31/… is the API too.
const isApiRequest = (event: Parameters<Handle>[0]['event']) =>
	event.route.id?.startsWith('/api/v1/') || event.url.pathname.startsWith('/api/v1/');

// Only demo-data removal deletes users, and it keeps the admin doing it: once the first exists, the answer is settled
// (for that database).
const settled = perDatabase(() => ({ hasUsers: false }));

const authenticate: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	// The API takes personal access tokens only: a browser's session cookie never authorises it, so no page can be made to call it.
	if (isApiRequest(event)) {
		const bearer = /^bearer\s+(\S+)\s*$/i.exec(event.request.headers.get('authorization') ?? '')?.[1];
		const user = bearer ? await authenticateToken(bearer) : undefined;
		if (user) {
			event.locals.user = { id: user.id, email: user.email, name: user.name, role: user.role };
			event.locals.apiTokenId = user.tokenId;
		} else event.locals.apiAuth = bearer ? 'invalid' : 'missing';
		return resolve(event);
	}
	const token = event.cookies.get(SESSION_COOKIE);
	const secure = event.url.protocol === 'https:';
	const found = token ? await validateSessionToken(token) : null;
	if (!found) {
		if (token) deleteSessionCookie(event.cookies, secure);
		return resolve(event);
	}
	event.locals.user = found.user;
	event.locals.session = found.session;
	event.locals.pageVersion = found.pageVersion;
	const response = await resolve(event);
	// The browser already holds this cookie with this expiry, unless the session slid forward lately. Added here, on
	// the way out, so that a page served from the page cache carries it too; a response that signed in or out wins.
	const settles = (cookie: string) => cookie.startsWith(`${SESSION_COOKIE}=`);
	if (found.sendCookie && !response.headers.getSetCookie().some(settles))
		response.headers.append(
			'set-cookie',
			event.cookies.serialize(SESSION_COOKIE, token!, sessionCookieOptions(found.session.expiresAt, secure))
		);
	return response;
};

/** First line of defence only: every load and action checks the user and role again itself. */
const gate: Handle = async ({ event, resolve }) => {
	const path = event.url.pathname;
	if (!event.locals.user && !isPublic(path)) {
		const users = settled();
		users.hasUsers ||= (await countUsers()) > 0;
		const location = users.hasUsers ? loginRedirect(event.url) : '/setup';
		return new Response(null, { status: 303, headers: { location } });
	}
	return resolve(event);
};

/**
 * Refuses cross-site form posts with an explanation (SvelteKit's own check is turned off in
 * vite.config.ts for this). Unsubscribe links are exempt: mail clients post them from outside
 * (RFC 8058), the token in the path is their only credential, and all they can do is stop emails.
 * The API is exempt too: it takes JSON and bearer tokens only, never a cookie a page could ride on.
 */
const sameOriginForms: Handle = async ({ event, resolve }) =>
	isApiRequest(event)
		? resolve(event)
		: ((event.url.pathname.startsWith('/unsubscribe/') ? null : crossSiteFormRefusal(event.request, event.url)) ??
			(await refuseUnreadablePost(event.request, event.url)) ??
			resolve(event));

/** A path SvelteKit cannot decode gets its HTML error page before routing: under /api/v1, problem+json instead. */
const apiPaths: Handle = async ({ event, resolve }) => malformedApiPath(event.url) ?? resolve(event);

// Headers wrap everything, so even the anonymous redirect carries them. The chain is exported for the tests,
// which run it in this order outside SvelteKit's server (tests/helpers/through-hooks.ts).
export const handles: Handle[] = [observe, securityHeaders, apiPaths, databaseGate, sameOriginForms, authenticate, gate, pageCache];
export const handle = sequence(...handles);

export const handleError: HandleServerError = ({ kind, error, event }) => {
	// error(…) thrown on purpose already says what happened, with its own status.
	if (kind === 'app') return;
	event.locals.failed = true;
	// A path no route matches, a method a route does not take: SvelteKit's own safe message.
	if (kind !== 'unknown') return { message: error.status === 404 ? 'Not found' : error.message };
	// The request's id, shown on the error page and in every log line of the request.
	const id = event.locals.requestId ?? crypto.randomUUID();
	// A lost connection is not a bug to log per request: the database gate answers 503 from now on.
	if (isConnectionFailure(error)) markDatabaseDown(error);
	else log.error(`${event.request.method} ${event.url.pathname}`, error, { requestId: id, route: event.route.id });
	return { message: 'Something went wrong on our side.', id };
};
