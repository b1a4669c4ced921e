import type { RequestEvent, RequestHandler } from '@sveltejs/kit';
import { can, CAPABILITIES, type Capability } from '$lib/server/auth/policy';
import type { SessionUser } from '$lib/server/auth/session';

/**
 * The REST API's frame: every endpoint names the capability it needs (the same policy as the
 * pages), answers errors as RFC 9457 problem+json naming the field, and is rate-limited per token.
 */
export class Problem extends Error {
	constructor(
		readonly status: number,
		readonly title: string,
		readonly detail?: string,
		readonly extra: Record<string, unknown> = {}
	) {
		super(detail ?? title);
	}
}

export function problemResponse(p: Problem, headers: Record<string, string> = {}): Response {
	return new Response(
		JSON.stringify({ type: 'about:blank', title: p.title, status: p.status, ...(p.detail ? { detail: p.detail } : {}), ...p.extra }),
		{
			status: p.status,
			headers: { 'content-type': 'application/problem+json', ...headers }
		}
	);
}

export const json = (body: unknown, init: { status?: number; headers?: Record<string, string> } = {}) =>
	new Response(JSON.stringify(body), { status: init.status ?? 200, headers: { 'content-type': 'application/json', ...init.headers } });

/** Requests per person per minute, on each instance, whatever the number of their tokens. */
export const RATE_PER_MINUTE = 600;
const windows = new Map<number, { minute: number; count: number }>();

function overLimit(userId: number): number | null {
	const minute = Math.floor(Date.now() / 60_000);
	// Last minute's counters are done with: dropping them keeps the map to the people active now.
	if (windows.size > 1000) for (const [key, w] of windows) if (w.minute < minute) windows.delete(key);
	const w = windows.get(userId);
	if (!w || w.minute !== minute) {
		windows.set(userId, { minute, count: 1 });
		return null;
	}
	if (++w.count <= RATE_PER_MINUTE) return null;
	return 60 - Math.floor((Date.now() / 1000) % 60);
}

type ApiLocals = { user: SessionUser | null; apiTokenId?: number; apiAuth?: 'missing' | 'invalid' };

/** An endpoint that needs `capability`; its handler may throw a Problem for any expected refusal. */
export function endpoint(capability: Capability, handler: (event: RequestEvent, user: SessionUser) => Promise<Response>): RequestHandler {
	return async (event) => {
		try {
			const locals = event.locals as unknown as ApiLocals;
			const user = locals.user;
			if (!user || locals.apiTokenId === undefined)
				throw new Problem(
					401,
					'Unauthorized',
					locals.apiAuth === 'invalid'
						? 'This token is unknown, revoked or expired. Create a new one at /account/tokens.'
						: 'Send a personal access token from /account/tokens as "Authorization: Bearer opsm_…".'
				);
			if (!can(user, capability))
				throw new Problem(403, 'Forbidden', `This needs ${CAPABILITIES[capability].means}, within the token's scope.`);
			const wait = overLimit(user.id);
			if (wait !== null)
				return problemResponse(
					new Problem(429, 'Too Many Requests', `At most ${RATE_PER_MINUTE} requests a minute per person on each server.`),
					{
						'retry-after': String(wait)
					}
				);
			return await handler(event, user);
		} catch (error) {
			if (error instanceof Problem) return problemResponse(error, error.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
			throw error;
		}
	};
}
