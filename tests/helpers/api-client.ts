import Ajv2020 from 'ajv/dist/2020.js';
import { expect } from 'vitest';
import { openApiDocument } from '../../src/lib/server/api/openapi';
import * as technologies from '../../src/routes/api/v1/technologies/+server';
import * as technology from '../../src/routes/api/v1/technologies/[slug]/+server';
import * as teams from '../../src/routes/api/v1/teams/+server';
import * as mine from '../../src/routes/api/v1/me/assignments/+server';
import * as unknown from '../../src/routes/api/v1/[...rest]/+server';
import * as rounds from '../../src/routes/api/v1/rounds/+server';
import * as oneRound from '../../src/routes/api/v1/rounds/[id=id]/+server';
import * as roundStep from '../../src/routes/api/v1/rounds/[id=id]/[step=roundStep]/+server';
import * as scope from '../../src/routes/api/v1/rounds/[id=id]/technologies/+server';
import * as results from '../../src/routes/api/v1/rounds/[id=id]/results/+server';
import * as files from '../../src/routes/api/v1/rounds/[id=id]/files/[file]/+server';
import * as response from '../../src/routes/api/v1/rounds/[id=id]/technologies/[slug]/response/+server';
import * as submit from '../../src/routes/api/v1/rounds/[id=id]/technologies/[slug]/response/submit/+server';
import * as backlog from '../../src/routes/api/v1/backlog/+server';
import * as backlogItem from '../../src/routes/api/v1/backlog/[id=id]/+server';
import * as techRadar from '../../src/routes/api/v1/tech-radar/+server';
import * as signals from '../../src/routes/api/v1/technologies/[slug]/signals/[kind]/+server';
import * as endOfLife from '../../src/routes/api/v1/technologies/[slug]/end-of-life/+server';
import * as alertmanager from '../../src/routes/api/v1/signals/alertmanager/+server';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as tokensPage from '../../src/routes/(app)/account/tokens/+page.server';
import { dataOf, fakeEvent, run } from './event';
import { throughHooks, type Handler } from './through-hooks';

/**
 * Calls the API through the app's hooks as a client would, and checks every answer against the
 * OpenAPI document: its status must be documented for the operation, and its body must match the
 * schema given for that status. Operations answered with a 2xx are remembered, so a suite can
 * check that it reached every documented one.
 */
export const document = openApiDocument();

type Module = Partial<Record<string, Handler>>;
const ROUTES: [string, unknown][] = [
	['/api/v1/technologies', technologies],
	['/api/v1/technologies/[slug]', technology],
	['/api/v1/teams', teams],
	['/api/v1/me/assignments', mine],
	['/api/v1/rounds', rounds],
	['/api/v1/rounds/[id=id]', oneRound],
	['/api/v1/rounds/[id=id]/technologies', scope],
	['/api/v1/rounds/[id=id]/results', results],
	['/api/v1/rounds/[id=id]/files/[file]', files],
	['/api/v1/rounds/[id=id]/technologies/[slug]/response', response],
	['/api/v1/rounds/[id=id]/technologies/[slug]/response/submit', submit],
	['/api/v1/rounds/[id=id]/[step=roundStep]', roundStep],
	['/api/v1/backlog', backlog],
	['/api/v1/backlog/[id=id]', backlogItem],
	['/api/v1/tech-radar', techRadar],
	['/api/v1/technologies/[slug]/signals/[kind]', signals],
	['/api/v1/technologies/[slug]/end-of-life', endOfLife],
	['/api/v1/signals/alertmanager', alertmanager]
];

/** The route SvelteKit would choose: static segments before parameters, as its own sorting does. */
function route(pathname: string) {
	for (const [id, module] of ROUTES) {
		const names: string[] = [];
		const pattern = id.replace(/\[(\w+)(?:=(\w+))?\]/g, (_, name: string, matcher?: string) => {
			names.push(name);
			return matcher === 'roundStep' ? '(open|close)' : matcher === 'id' ? '([1-9]\\d{0,9})' : '([^/]+)';
		});
		const m = new RegExp(`^${pattern}$`).exec(pathname);
		if (m) return { id, module: module as Module, params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
	}
	return { id: '/api/v1/[...rest]', module: unknown as Module, params: { rest: pathname.slice('/api/v1/'.length) } };
}

/** The document's path for a route, e.g. /rounds/{id}/open for /rounds/[id=id]/[step=roundStep] at …/open. */
const templateOf = (id: string, params: Record<string, string>) =>
	id
		.slice('/api/v1'.length)
		.replace(/\[(\w+)(?:=(\w+))?\]/g, (_, name: string, matcher?: string) => (matcher === 'roundStep' ? params[name] : `{${name}}`));

const ajv = new Ajv2020({ strict: false });
for (const [name, schema] of Object.entries(document.components?.schemas ?? {}))
	ajv.addSchema(schema as object, `#/components/schemas/${name}`);

type Operation = { operationId: string; responses: Record<string, { content?: Record<string, { schema: object }> }> };
const operations = document.paths as Record<string, Record<string, Operation>>;
export const reached = new Set<string>();

/** Checks a body against the schema the document gives for this operation, status and type. */
export function matchesDocument(path: string, status: number, contentType: string, body: unknown, method = 'get') {
	const op = operations[path]?.[method];
	expect(op, `${method} ${path} is documented`).toBeTruthy();
	const documented = op.responses[String(status)];
	expect(documented, `${method} ${path} documents ${status}`).toBeTruthy();
	if (status === 304 || !documented.content) return op;
	const schema = documented.content[contentType]?.schema;
	expect(schema, `${method} ${path} documents ${status} ${contentType}`).toBeTruthy();
	if (!contentType.includes('json')) return op;
	const validate = ajv.compile({ ...schema, $defs: undefined });
	expect(validate(body), `${method} ${path} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
	return op;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a test reads whatever JSON came back; the document check above has typed it
export type ApiAnswer = { status: number; headers: Headers; body: any; bytes: number };

export async function api(
	method: string,
	path: string,
	init: { token?: string; json?: unknown; body?: string; headers?: Record<string, string>; cookies?: Record<string, string> } = {}
): Promise<ApiAnswer> {
	const url = new URL(path, 'http://localhost');
	const target = route(url.pathname);
	const handler = target.module[method] ?? target.module.fallback;
	expect(handler, `${method} ${url.pathname} has a handler`).toBeTruthy();
	const headers: Record<string, string> = {
		...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
		...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
		...init.headers
	};
	const { response } = await throughHooks(path, target.id, handler!, {
		method,
		headers,
		params: target.params,
		cookies: init.cookies,
		body: init.json !== undefined ? JSON.stringify(init.json) : init.body
	});
	const raw = Buffer.from(await response.arrayBuffer());
	const type = response.headers.get('content-type')?.split(';', 1)[0] ?? '';
	const body = type.includes('json') && raw.length ? JSON.parse(raw.toString()) : raw.toString();
	// The unknown path, and a method the path does not have (405), are no operation to check against.
	if (target.id !== '/api/v1/[...rest]' && response.status !== 405) {
		const op = matchesDocument(templateOf(target.id, target.params), response.status, type, body, method.toLowerCase());
		if (response.status < 300) reached.add(op.operationId);
	}
	return { status: response.status, headers: response.headers, body, bytes: raw.length };
}

/** Every operation the document lists. */
export const documentedOperations = () =>
	Object.values(operations).flatMap((methods) => Object.values(methods).map((op) => op.operationId));

/** A personal access token made the way a person makes one, at /account/tokens. */
export async function tokenFor(user: SessionUser, scope: string, name = `t-${Math.random()}`) {
	const out = dataOf<{ created: { token: string } }>(
		await run(tokensPage.actions.create, fakeEvent({ user, form: { name, scope, days: '30' } }))
	);
	return out.created.token;
}
