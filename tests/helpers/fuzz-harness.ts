import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { fakeEvent } from './event';
import type { Form } from './fuzz-form-builders';
import { fx } from './fuzz-fixtures';
import { routeEntries, type RouteEntry } from './routes';

// What both fuzz suites (hostile parameters to loads, hostile forms to actions) send their requests with.

export const entries = routeEntries();

export type Outcome = { status: number; failure: boolean; data?: unknown };

/** What SvelteKit would answer: a status (a failure is an ActionFailure or an HttpError), or the error it would turn into a 500. */
export async function outcomeOf(entry: RouteEntry, event: object): Promise<Outcome> {
	try {
		const result = await entry.run(event as never);
		if (isActionFailure(result)) return { status: result.status, failure: true, data: result.data };
		if (result instanceof Response && result.headers.get('content-type') === 'text/event-stream') {
			// A live stream never ends: its answer is that it started.
			await result.body?.cancel();
			return { status: result.status, failure: result.status >= 400 };
		}
		if (result instanceof Response) {
			// A file is streamed after the handler returns: a stream that breaks is a broken answer too.
			await result.arrayBuffer();
			return { status: result.status, failure: result.status >= 400 };
		}
		return { status: 200, failure: false, data: result };
	} catch (e) {
		if (isRedirect(e)) return { status: e.status, failure: false };
		if (isHttpError(e)) return { status: e.status, failure: true };
		throw e;
	}
}

export const describeError = (e: unknown) =>
	`threw ${String((e as Error)?.message ?? e).slice(0, 200)} ${String((e as Error)?.cause ?? '').slice(0, 200)}`;

/** Path parameters naming things that exist: the open round `admin` scores in, its technology, an open invitation. */
export const validParams = (): Record<string, string> => ({ id: String(fx.round.id), slug: fx.tech.slug, token: fx.token });

export function request(
	entry: RouteEntry,
	form: Form,
	params: Record<string, string>,
	query: string,
	user: SessionUser | null | undefined
) {
	return fakeEvent({ user: user === undefined ? fx.admin : user, params, url: entry.path(params) + query, form });
}
