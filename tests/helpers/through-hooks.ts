// @ts-expect-error kit's internal entry has no types of its own; the request store is what its server wraps `handle` in.
import { with_request_store } from '@sveltejs/kit/internal/server';
import { handle } from '../../src/hooks.server';
import { fakeCookies } from './event';

export type Handler = (event: never) => Response | Promise<Response>;

/** A request through the app's real hook chain, answered by `route` the way SvelteKit's resolve would. */
export async function throughHooks(
	path: string,
	routeId: string | null,
	route: Handler,
	init: {
		headers?: Record<string, string>;
		cookies?: Record<string, string>;
		params?: Record<string, string>;
		method?: string;
		body?: string;
	} = {}
) {
	const url = new URL(path, 'http://localhost');
	const event = {
		url,
		request: new Request(url, { headers: init.headers, method: init.method, body: init.body }),
		route: { id: routeId },
		params: init.params ?? {},
		locals: {} as App.Locals,
		cookies: fakeCookies(init.cookies),
		getClientAddress: () => '127.0.0.1',
		setHeaders: () => {},
		isDataRequest: false,
		isSubRequest: false
	};
	// SvelteKit's server runs `handle` inside its per-request store (what getRequestEvent reads); so does this.
	const store = { event, state: {} };
	const response = await with_request_store(store as never, () =>
		handle({ event: event as never, resolve: (e) => Promise.resolve(route(e as never)) })
	);
	return { response, event };
}
