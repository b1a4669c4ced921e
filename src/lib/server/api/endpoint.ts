import { createHash } from 'node:crypto';
import { isHttpError, isRedirect, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import type { z } from 'zod';
import { can, CAPABILITIES, type Capability } from '#lib/server/auth/policy.ts';
import type { SessionUser } from '#lib/server/auth/session.ts';
import { malformedTextAt, NOT_TEXT } from '#lib/domain/text.ts';
import { perDatabase } from '#lib/server/db/prepared.ts';

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
/** Counted by person id, which names a person only within one database. */
const windowsOf = perDatabase(() => new Map<number, { minute: number; count: number }>());

function overLimit(userId: number): number | null {
	const windows = windowsOf();
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
			// Code shared with the pages refuses with SvelteKit's error(); the API says the same in its own format.
			if (isHttpError(error)) return problemResponse(new Problem(error.status, statusTitle(error.status), error.body.message));
			if (isRedirect(error)) return problemResponse(new Problem(403, 'Forbidden', 'This token may not do this.'));
			throw error;
		}
	};
}

const TITLES: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	405: 'Method Not Allowed',
	409: 'Conflict',
	412: 'Precondition Failed',
	413: 'Content Too Large',
	415: 'Unsupported Media Type',
	422: 'Unprocessable Content',
	428: 'Precondition Required'
};
export const statusTitle = (status: number) => TITLES[status] ?? 'Error';

/** A refusal naming each field zod refused, unknown fields included. */
export function fieldProblem(issues: z.core.$ZodIssue[], where: string): Problem {
	const errors = issues.flatMap((i) =>
		i.code === 'unrecognized_keys'
			? i.keys.map((key) => ({ field: [...i.path, key].join('.'), message: `not a field of this ${where}` }))
			: [{ field: i.path.join('.') || where, message: i.message }]
	);
	return new Problem(400, 'Bad Request', `Refused: ${errors.map((e) => e.field).join(', ')}.`, { errors });
}

/** Bodies the API takes: a bulk upsert of 1,000 technologies fits; below the server's default BODY_SIZE_LIMIT (512K), so this refusal, in this format, comes first. */
export const MAX_BODY_BYTES = 500_000;

/**
 * Reads a JSON body, refusing what is not JSON (415), too large (413, counted as it arrives, so a
 * lying Content-Length does not help), malformed (400), holding a string that is not text (400,
 * field named) or not of the schema (400, fields named).
 */
export async function readJson<S extends z.ZodType>(request: Request, schema: S, maxBytes = MAX_BODY_BYTES): Promise<z.output<S>> {
	const type = request.headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase();
	if (type !== 'application/json')
		throw new Problem(415, 'Unsupported Media Type', 'Send the body as JSON, with "Content-Type: application/json".');
	const tooLarge = () => new Problem(413, 'Content Too Large', `The body may hold at most ${maxBytes.toLocaleString('en')} bytes.`);
	if (Number(request.headers.get('content-length') ?? 0) > maxBytes) throw tooLarge();
	const chunks: Uint8Array[] = [];
	let size = 0;
	if (request.body)
		for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
			size += chunk.byteLength;
			if (size > maxBytes) throw tooLarge();
			chunks.push(chunk);
		}
	let body: unknown;
	try {
		body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
	} catch (error) {
		const why = error instanceof SyntaxError ? error.message : 'it is not UTF-8';
		throw new Problem(400, 'Bad Request', `The body is not valid JSON: ${why}.`, { errors: [{ field: 'body', message: 'not JSON' }] });
	}
	const notText = malformedTextAt(body);
	if (notText) {
		const field = notText.join('.') || 'body';
		throw new Problem(400, 'Bad Request', `Refused: ${field}.`, { errors: [{ field, message: NOT_TEXT }] });
	}
	const parsed = schema.safeParse(body);
	if (!parsed.success) throw fieldProblem(parsed.error.issues, 'body');
	return parsed.data;
}

/**
 * Optimistic concurrency for writes: the client sends back the ETag it read. None is 428 (a blind
 * write could undo someone's change); another is 412.
 */
export function requireIfMatch(request: Request, current: string) {
	const sent = request.headers.get('if-match');
	if (!sent)
		throw new Problem(
			428,
			'Precondition Required',
			'Send the ETag you last read in an If-Match header, so no newer change is overwritten.'
		);
	const tags = sent.split(',').map((t) => t.trim());
	if (!tags.includes(current) && !tags.includes('*'))
		throw new Problem(412, 'Precondition Failed', `This changed since you read it; its ETag is now ${current}. Read it again and retry.`);
}

/** A strong ETag of what an answer says, after the resource's version where it has one. */
export function entityTag(body: string, version?: number) {
	const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
	return `"${version === undefined ? '' : `${version}-`}${hash}"`;
}

/** A JSON answer with its ETag, and for a 201 where the new resource is. */
export function entityResponse(body: string, etag: string, status = 200, location?: string) {
	const headers: Record<string, string> = { 'content-type': 'application/json', etag };
	if (location) headers.location = location;
	return new Response(body, { status, headers });
}

/** Any other method on an operation's path: 405 in the API's own format, naming the methods it has. */
export function methodNotAllowed(allowed: string[]): RequestHandler {
	return ({ request }) =>
		problemResponse(new Problem(405, 'Method Not Allowed', `${request.method} is not an operation here; use ${allowed.join(' or ')}.`), {
			allow: allowed.join(', ')
		});
}
