import { performance } from 'node:perf_hooks';
import type { RequestEvent } from '@sveltejs/kit';
import type { Handle } from '@sveltejs/kit/hooks';
import { perDatabase } from '#lib/server/db/prepared.ts';
import { metrics } from '#lib/server/metrics.ts';
import { env } from '#lib/server/env.ts';
import { demoAnswerNumber } from '#lib/server/queries/demo-data.ts';

/**
 * The most visited pages, kept as rendered for the person who asked, for as long as nothing they show has changed.
 *
 * The validator is read with the session, in the same statement (session.ts): the last committed transaction that
 * wrote a table pages show (triggers keep it, migration 0015), the sum of the person's response versions (each draft
 * save moves one on, and only the author's dashboard shows drafts), and the server's start time. A draft autosaved,
 * a session slid, a sign-in failure, a mail or webhook queued, an audit row: none of these empties the cache, since no
 * stored page reads them (UNSEEN_TABLES). A submit, a close, an edit, a role or threshold change: every one does, on
 * every instance, since the validator lives in the database. (A restarted, restored or promoted server starts at
 * another time: validators of another history are never compared.)
 * A page is stored under the validator read *before* its data, so what is stored is never older than its validator.
 * Every request still runs the hooks before this one: the session is looked up, the database gate, the same-origin
 * check; only the page's own loads and rendering are skipped, and only when they would produce the same page.
 *
 * A route joins the list once its page is a function of the database, the person and the URL alone (no cookie but
 * the session, no request header). Its wording about time (an initiative overdue from tomorrow) may lag by
 * MAX_AGE_MS at most. CSP uses hashes rather than nonces (vite.config.ts), so a stored page carries no secret
 * meant for one response. PAGE_CACHE=0 renders every page.
 */
const ROUTES = new Set(['/(app)', '/(app)/technologies/[slug]', '/(app)/portfolio']);
/**
 * Tables no stored page reads, written often: their writes leave the validator alone. Every other table has the
 * trigger that moves it (a test keeps the two in step). A route that starts reading one of these moves it out.
 */
export const UNSEEN_TABLES = [
	'api_token',
	'audit_log',
	'firing_alert',
	'login_failure',
	'mail_message',
	'oidc_flow',
	'session',
	'webhook_delivery'
];
export const MAX_AGE_MS = 30_000;
const MAX_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 5_000;
/** What an entry costs beyond its body, key and headers: the Map slot and the objects around them. */
const ENTRY_OVERHEAD_BYTES = 512;
/** An address longer than this is no page anyone links to: it is rendered and never kept. */
const MAX_KEY_LENGTH = 2_048;

type Stored = {
	validator: string;
	demoAnswer: number;
	storedAt: number;
	bytes: number;
	headers: [string, string][];
	body: ArrayBuffer;
};

/** Per database handle (a restart or restore starts empty); least recently used first: a hit moves its entry to the end. */
const cacheOf = perDatabase(() => ({ entries: new Map<string, Stored>(), bytes: 0 }));

function forget(cache: ReturnType<typeof cacheOf>, key: string) {
	const entry = cache.entries.get(key);
	if (!entry) return;
	cache.bytes -= entry.bytes;
	cache.entries.delete(key);
}

function keep(cache: ReturnType<typeof cacheOf>, key: string, entry: Stored) {
	forget(cache, key);
	if (entry.bytes > MAX_BYTES / 16) return;
	cache.entries.set(key, entry);
	cache.bytes += entry.bytes;
	for (const oldest of cache.entries.keys()) {
		if (cache.bytes <= MAX_BYTES && cache.entries.size <= MAX_ENTRIES) break;
		forget(cache, oldest);
	}
}

/** Only a whole, plain success (so every stored page is a 200) for everyone with this key: no cookie set, no redirect, no error (a data request's failed load is a 200 too). */
const storable = (response: Response, event: RequestEvent) =>
	response.status === 200 &&
	!event.locals.failed &&
	!response.headers.has('set-cookie') &&
	/^(text\/html|application\/json)/.test(response.headers.get('content-type') ?? '');

/** Innermost hook: after the session has been read (it brings the snapshot) and every refusal before it. */
export const pageCache: Handle = async ({ event, resolve }) => {
	const { user, pageVersion: validator } = event.locals;
	if (env.PAGE_CACHE === '0' || event.request.method !== 'GET' || !user || !validator || !ROUTES.has(event.route.id ?? ''))
		return resolve(event);
	// The request's own URL: it still says __data.json for a client-side navigation, which event.url does not.
	const key = `${user.id}\n${user.role}\n${event.request.url}`;
	if (key.length > MAX_KEY_LENGTH) return resolve(event);
	const cache = cacheOf();
	const hit = cache.entries.get(key);
	// Read before rendering: if the layout asks again meanwhile, the stored page is already older than the answer.
	const demoAnswer = demoAnswerNumber();
	if (hit && hit.validator === validator && hit.demoAnswer === demoAnswer && performance.now() - hit.storedAt < MAX_AGE_MS) {
		cache.entries.delete(key);
		cache.entries.set(key, hit);
		metrics.pageCache.inc({ outcome: 'hit' });
		return new Response(hit.body, { headers: hit.headers });
	}
	const response = await resolve(event);
	// Rendered with an answer read just now, whose number was not known before: the next render will know it.
	if (demoAnswer === undefined || !storable(response, event)) {
		forget(cache, key);
		return response;
	}
	const body = await response.arrayBuffer();
	const headers = [...response.headers];
	const bytes = body.byteLength + 2 * (key.length + headers.join('').length) + ENTRY_OVERHEAD_BYTES;
	keep(cache, key, { validator, demoAnswer, storedAt: performance.now(), bytes, headers, body });
	metrics.pageCache.inc({ outcome: 'miss' });
	return new Response(body, { headers: response.headers });
};

/** For tests: start from nothing stored. */
export function clearPageCache() {
	const cache = cacheOf();
	cache.entries.clear();
	cache.bytes = 0;
}
