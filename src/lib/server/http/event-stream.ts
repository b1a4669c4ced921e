import { subscribe } from '../db/notify';

/** A comment line every so often keeps proxies and load balancers from closing a quiet stream. */
const KEEP_ALIVE_MS = 15_000;

/** Ends every open stream; server.js asks for it when it stops taking requests (SIGTERM). */
const open = new Set<() => void>();
let stopping = false;
process.on('opsmaturity:stopping' as never, () => {
	stopping = true;
	for (const end of [...open]) end();
});

/**
 * A Server-Sent Events response that sends an event for each change published on `topic` by any
 * instance, and one at the start so a client that reconnects catches up. The subscription ends
 * when the client goes away.
 */
export async function changeStream(topic: string): Promise<Response> {
	// A browser reconnecting to a stopping instance is sent on (its next try reaches another one).
	if (stopping) return new Response('Shutting down', { status: 503, headers: { 'retry-after': '1', connection: 'close' } });
	const encoder = new TextEncoder();
	let send = (_text: string) => {};
	// Subscribed before answering: a database that cannot listen fails the request, not the stream.
	const unsubscribe = await subscribe(topic, (payload) => send(`event: change\ndata: ${payload.replace(/[\r\n]/g, ' ')}\n\n`));
	let timer: ReturnType<typeof setInterval> | undefined;
	const stop = () => {
		clearInterval(timer);
		unsubscribe();
		open.delete(end);
	};
	let end = () => stop();
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
			open.add(end);
			timer = setInterval(() => send(': keep-alive\n\n'), KEEP_ALIVE_MS);
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
