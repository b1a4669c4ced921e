import type { RequestEvent } from '@sveltejs/kit';
import { handles } from '../../src/hooks.server';
import { fakeCookies } from './event';

/** A route's handler, whatever its params and route id: declared as a method, whose parameter TypeScript checks both ways. */
export type Handler = { handle(event: RequestEvent): Response | Promise<Response> }['handle'];

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
	// The app's handles in their order, as `sequence` runs them (its request store aside: SvelteKit offers no public
	// way to enter it, and no handle of ours reads it), each one's resolve being the next, the last one's the route.
	const through = async (i: number, e: RequestEvent): Promise<Response> =>
		i === handles.length ? route(e) : handles[i]({ event: e, resolve: (next) => through(i + 1, next) });
	const response = await through(0, event as unknown as RequestEvent);
	return { response, event };
}
