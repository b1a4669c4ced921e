import { env } from '#lib/server/env.ts';
import { personTopic, subscribe } from '../db/notify';
import { perDatabase } from '../db/prepared';

/** A comment line every so often keeps proxies and load balancers from closing a quiet stream; each is also a re-check. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Every stream holds a socket, that is a file descriptor, for as long as it is open: without a
 * limit one person's tabs (or a script) could take all 1,024 of a default `ulimit -n`, after
 * which nobody could even load /login. Per instance, as the descriptors are.
 */
const limits = () => ({ perPerson: Number(env.EVENT_STREAMS_PER_PERSON) || 8, total: Number(env.EVENT_STREAMS_MAX) || 500 });

let checkEveryMs = KEEP_ALIVE_MS;
/** Tests shorten the re-check (and keep-alive) period of streams opened from now on; returns the previous one. */
export function setStreamCheckMs(ms: number) {
	const before = checkEveryMs;
	checkEveryMs = ms;
	return before;
}

/** Streams held, in all and per person id; person ids name people only within one database. */
const heldOf = perDatabase(() => ({ byPerson: new Map<number, number>(), total: 0 }));

/** Ends every open stream; server.js asks for it when it stops taking requests (SIGTERM). */
const open = new Set<() => void>();
let stopping = false;
process.on('opsmaturity:stopping' as never, () => {
	stopping = true;
	for (const end of [...open]) end();
});

/** Whose stream, and whether they may still have it: asked before each event and on each keep-alive. */
export type StreamHolder = { personId: number; stillAllowed: () => Promise<boolean> };

const plain = (status: number, text: string, headers: Record<string, string> = {}) =>
	new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...headers } });

/**
 * Takes one of the holder's streams, or says why not. Refusing the newest rather than closing the
 * oldest: a browser reopens a closed stream by itself, so closing one would only move the refusal
 * from tab to tab every few seconds; a refused tab keeps trying and gets in once another closes.
 */
function take(personId: number): Response | (() => void) {
	const { perPerson, total: max } = limits();
	const held = heldOf();
	const mine = held.byPerson.get(personId) ?? 0;
	if (mine >= perPerson)
		return plain(
			429,
			`You already follow ${perPerson} live pages, the most one person may. Close one in another tab or window and this page follows live again; reload it meanwhile to see the latest.`,
			{ 'retry-after': '30' }
		);
	if (held.total >= max)
		return plain(
			503,
			`This server follows as many live pages as it can (${max}). Reload to see the latest; live updates resume when others close.`,
			{
				'retry-after': '30'
			}
		);
	held.byPerson.set(personId, mine + 1);
	held.total++;
	let released = false;
	return () => {
		if (released) return;
		released = true;
		held.total--;
		const left = (held.byPerson.get(personId) ?? 1) - 1;
		if (left) held.byPerson.set(personId, left);
		else held.byPerson.delete(personId);
	};
}

/** How many streams this instance holds, in all and for one person, for tests and the limit. */
export const streamCount = (personId?: number) => (personId === undefined ? heldOf().total : (heldOf().byPerson.get(personId) ?? 0));

/**
 * A Server-Sent Events response that sends an event for each change published on `topic` by any
 * instance, and one at the start so a client that reconnects catches up. Each event, each
 * keep-alive and each change about the holder (signing out, deactivation) first asks
 * `stillAllowed`: once the answer is no, the stream sends `end` and closes. The subscription ends
 * when the client goes away.
 */
export async function changeStream(topic: string, holder: StreamHolder): Promise<Response> {
	// A browser reconnecting to a stopping instance is sent on (its next try reaches another one).
	if (stopping) return new Response('Shutting down', { status: 503, headers: { 'retry-after': '1', connection: 'close' } });
	const release = take(holder.personId);
	if (release instanceof Response) return release;
	const encoder = new TextEncoder();
	let send = (_text: string) => {};
	let ended = false;
	// One check at a time per stream, in order: an event is sent only if the check made after it arrived says yes.
	let queue = Promise.resolve();
	const checked = (then: () => void) => {
		queue = queue.then(async () => {
			if (ended) return;
			// A check that fails (the database is away) closes without `end`: the browser reconnects and is answered then.
			const allowed = await holder.stillAllowed().catch(() => null);
			if (ended) return;
			if (allowed) then();
			else if (allowed === null) end();
			else finish();
		});
	};
	let unsubscribe = () => {};
	try {
		// Subscribed before answering: a database that cannot listen fails the request, not the stream.
		const changes = await subscribe(topic, (payload) => checked(() => send(`event: change\ndata: ${payload.replace(/[\r\n]/g, ' ')}\n\n`)));
		const person = await subscribe(personTopic(holder.personId), () => checked(() => {})).catch((error) => {
			changes();
			throw error;
		});
		unsubscribe = () => {
			changes();
			person();
		};
	} catch (error) {
		release();
		throw error;
	}
	let timer: ReturnType<typeof setInterval> | undefined;
	const stop = () => {
		ended = true;
		clearInterval(timer);
		unsubscribe();
		release();
		open.delete(end);
	};
	let end = () => stop();
	// No longer allowed: say so, so the page stops reconnecting and tells the person, then close.
	let finish = () => stop();
	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			send = (text) => {
				try {
					controller.enqueue(encoder.encode(text));
				} catch {
					stop(); // the client left between the change and this send
				}
			};
			end = () => {
				stop();
				try {
					controller.close();
				} catch {
					// already closed by the client
				}
			};
			finish = () => {
				send('event: end\ndata: access\n\n');
				end();
			};
			open.add(end);
			timer = setInterval(() => checked(() => send(': keep-alive\n\n')), checkEveryMs);
			timer.unref?.();
			// The browser retries after 1 s when the connection drops, then catches up from this first event.
			send('retry: 1000\nevent: change\ndata: connected\n\n');
		},
		cancel() {
			stop();
		}
	});
	return new Response(stream, {
		// connection: close, so the socket ends with the stream and never lingers as keep-alive during a shutdown.
		headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no', connection: 'close' }
	});
}
