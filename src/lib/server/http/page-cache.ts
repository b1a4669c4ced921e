import type { Handle } from '@sveltejs/kit';
import { metrics } from '$lib/server/metrics';

/**
 * The most visited pages, kept as rendered for the person who asked, for as long as the database has not changed.
 *
 * The validator is the database snapshot read with the session (`pg_current_snapshot()`, in the same statement):
 * two equal snapshots mean no transaction committed or rolled back in between, so nothing a page reads can differ.
 * A page is stored under the snapshot read *before* its data, so what is stored is never older than its snapshot.
 * Every request still runs the hooks before this one: the session is looked up, the database gate, the same-origin
 * check; only the page's own loads and rendering are skipped, and only when they would produce the same page.
 *
 * A route joins the list once its page is a function of the database, the person and the URL alone (no cookie but
 * the session, no request header). Its wording about time (an initiative overdue from tomorrow) may lag by
 * MAX_AGE_MS at most. CSP uses hashes rather than nonces (svelte.config.js), so a stored page carries no secret
 * meant for one response.
 */
const ROUTES = new Set(['/(app)', '/(app)/technologies/[slug]', '/(app)/portfolio']);
export const MAX_AGE_MS = 30_000;
const MAX_BYTES = 64 * 1024 * 1024;

type Stored = { snapshot: string; storedAt: number; status: number; headers: [string, string][]; body: ArrayBuffer };

/** Least recently used first: a Map keeps insertion order, and a hit moves its entry to the end. */
const stored = new Map<string, Stored>();
let storedBytes = 0;

function forget(key: string) {
	const entry = stored.get(key);
	if (!entry) return;
	storedBytes -= entry.body.byteLength;
	stored.delete(key);
}

function keep(key: string, entry: Stored) {
	forget(key);
	if (entry.body.byteLength > MAX_BYTES / 16) return;
	stored.set(key, entry);
	storedBytes += entry.body.byteLength;
	for (const oldest of stored.keys()) {
		if (storedBytes <= MAX_BYTES) break;
		forget(oldest);
	}
}

/** Only a whole, plain success for everyone with this key: no cookie set, no redirect, no error. */
const storable = (response: Response) =>
	response.status === 200 &&
	!response.headers.has('set-cookie') &&
	/^(text\/html|application\/json)/.test(response.headers.get('content-type') ?? '');

/** Innermost hook: after the session has been read (it brings the snapshot) and every refusal before it. */
export const pageCache: Handle = async ({ event, resolve }) => {
	const { user, snapshot } = event.locals;
	if (event.request.method !== 'GET' || !user || !snapshot || !ROUTES.has(event.route.id ?? '')) return resolve(event);
	// The request's own URL: it still says __data.json for a client-side navigation, which event.url does not.
	const key = `${user.id}\n${user.role}\n${event.request.url}`;
	const hit = stored.get(key);
	if (hit && hit.snapshot === snapshot && Date.now() - hit.storedAt < MAX_AGE_MS) {
		stored.delete(key);
		stored.set(key, hit);
		metrics.pageCache.inc({ outcome: 'hit' });
		return new Response(hit.body, { status: hit.status, headers: hit.headers });
	}
	const response = await resolve(event);
	if (!storable(response)) {
		forget(key);
		return response;
	}
	const body = await response.arrayBuffer();
	keep(key, { snapshot, storedAt: Date.now(), status: response.status, headers: [...response.headers], body });
	metrics.pageCache.inc({ outcome: 'miss' });
	return new Response(body, { status: response.status, headers: response.headers });
};

/** For tests: start from nothing stored. */
export function clearPageCache() {
	stored.clear();
	storedBytes = 0;
}
