import { isActionFailure, isHttpError, isRedirect, type Cookies, type RequestEvent } from '@sveltejs/kit';
import type { SessionInfo, SessionUser } from '../../src/lib/server/auth/session';

export type FakeCookies = Cookies & { jar: Map<string, string> };

export function fakeCookies(initial: Record<string, string> = {}): FakeCookies {
	const jar = new Map(Object.entries(initial));
	return {
		jar,
		get: (name: string) => jar.get(name),
		getAll: () => [...jar].map(([name, value]) => ({ name, value })),
		set: (name: string, value: string) => void jar.set(name, value),
		delete: (name: string) => void jar.delete(name),
		serialize: (name: string, value: string) => `${name}=${value}`
	} as unknown as FakeCookies;
}

type EventInput = {
	user?: SessionUser | null;
	session?: SessionInfo | null;
	/** Fields by name, or entries in order (duplicates and files included) as a browser would post them. */
	form?: Record<string, string | string[]> | [string, string | Blob][];
	params?: Record<string, string>;
	url?: string;
	cookies?: FakeCookies;
	address?: string;
};

/**
 * The parts of a RequestEvent that our loads and actions use, typed as the event the caller's
 * load or action takes (`run` infers it), so a test names no types.
 */
export function fakeEvent<E = RequestEvent>(input: EventInput = {}): E {
	const body = new FormData();
	const fields = Array.isArray(input.form) ? input.form : Object.entries(input.form ?? {});
	for (const [key, value] of fields) {
		for (const v of Array.isArray(value) ? value : [value]) body.append(key, v);
	}
	const url = new URL(input.url ?? '/', 'http://localhost');
	// On the API a user arrives with a personal access token (hooks.server.ts); tests stand for it with token id 0.
	const api = url.pathname.startsWith('/api/v1/') && input.user ? { apiTokenId: 0 } : {};
	return {
		locals: { user: input.user ?? null, session: input.session ?? null, ...api },
		params: input.params ?? {},
		url,
		cookies: input.cookies ?? fakeCookies(),
		request: new Request(url, { method: 'POST', body }),
		getClientAddress: () => input.address ?? '127.0.0.1',
		setHeaders: () => {}
	} as unknown as E;
}

export type Outcome =
	| { kind: 'data'; data: Record<string, unknown> }
	| { kind: 'failure'; status: number; data: { errors: Record<string, string>; values: Record<string, string> } }
	| { kind: 'redirect'; status: number; location: string }
	| { kind: 'error'; status: number; message: string };

/** Runs a load or action and reports what SvelteKit would do with its result. */
export async function run<E>(fn: (event: E) => unknown, event: NoInfer<E>): Promise<Outcome> {
	try {
		const result = await fn(event);
		if (isActionFailure(result))
			return { kind: 'failure', status: result.status, data: result.data as unknown as Extract<Outcome, { kind: 'failure' }>['data'] };
		return { kind: 'data', data: (result ?? {}) as Record<string, unknown> };
	} catch (e) {
		if (isRedirect(e)) return { kind: 'redirect', status: e.status, location: e.location };
		if (isHttpError(e)) return { kind: 'error', status: e.status, message: e.body.message };
		throw e;
	}
}

/** The data of a successful outcome; anything else fails the test with what happened instead. */
export function dataOf<T = Record<string, unknown>>(outcome: Outcome): T {
	if (outcome.kind !== 'data') throw new Error(`expected data, got ${JSON.stringify(outcome)}`);
	return outcome.data as T;
}
