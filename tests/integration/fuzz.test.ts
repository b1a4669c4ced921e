import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { db } from '../../src/lib/server/db';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent } from '../helpers/event';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow } from '../helpers/factories';
import { HOSTILE } from '../helpers/hostile';
import { routeEntries, type RouteEntry } from '../helpers/routes';

useTestDatabase();

const entries = routeEntries();
const VECTOR_KEYS = AGILE_OPERATIONS_V1.vectors.map((v) => v.key);

/** Every form field name the pages render, with the templated ones (`score.{vector.key}`) spelled out. */
function fieldNames(): string[] {
	const files = Object.keys(import.meta.glob(['/src/routes/**/*.svelte', '/src/lib/components/*.svelte']));
	const names = new Set<string>();
	for (const file of files) {
		for (const [, name] of readFileSync(`.${file}`, 'utf8').matchAll(/\bname="([^"$]+)"/g)) {
			const expanded = name
				.replaceAll('{p}', 'v.{vector.key}')
				.replaceAll('{c}', 'testing')
				.replace(/\{(i|level)\}/g, '{n}');
			const keys = expanded.includes('{vector.key}') ? VECTOR_KEYS : [''];
			for (const key of keys) {
				const withKey = expanded.replaceAll('{vector.key}', key);
				for (const n of withKey.includes('{n}') ? [0, 1, 2, 3, 4, 5] : [0]) names.add(withKey.replaceAll('{n}', String(n)));
			}
		}
	}
	return [...names].filter((n) => !n.includes('{'));
}

const FIELDS = fieldNames();
/** Query parameters the loads read: what filter forms and links send, and names nothing reads. */
const QUERY = [
	'page',
	'user',
	'next',
	'removed',
	'round',
	'team',
	'q',
	'category',
	'lifecycle',
	'status',
	'sort',
	'dir',
	't',
	'r',
	'person',
	'entity',
	'from',
	'to',
	'confirm',
	'version',
	'mode',
	'technology',
	'level',
	'met',
	'waiting',
	'unknown'
];

type Form = [string, string | Blob][];
type Case = { name: string; refused: boolean; form: () => Form; value: () => string };

const text = (v: string | Blob) => (typeof v === 'string' ? v : 'blob');
const CASES: Case[] = [
	...HOSTILE.map((k) => ({
		name: k.name,
		refused: k.refused,
		form: () => FIELDS.map((f): Form[number] => [f, k.value()]),
		value: () => text(k.value())
	})),
	{
		name: 'every field twice, disagreeing',
		refused: false,
		form: () =>
			FIELDS.flatMap((f): Form => [
				[f, '1'],
				[f, 'two']
			]),
		value: () => '1'
	},
	{
		name: 'two hundred unknown fields',
		refused: false,
		form: () => Array.from({ length: 200 }, (_, i): Form[number] => [`unknown${i}[]`, '\u0000'.repeat(i % 3)]),
		value: () => ''
	},
	{
		name: 'ten thousand copies of one field',
		refused: false,
		form: () => Array.from({ length: 10_000 }, (): Form[number] => ['technologyIds', '1']),
		value: () => '1'
	}
];

/** A digest of every stored row (sign-in failures aside: counting them is the limiter's job). */
let fingerprintQuery = sql``;
async function fingerprint(): Promise<string> {
	const rows = (await db().execute(fingerprintQuery)) as unknown as { rows?: { f: string }[] } & { f: string }[];
	return (rows.rows ?? rows)[0].f;
}

function request(entry: RouteEntry, form: Form, params: Record<string, string>, query: string, user: SessionUser | null) {
	return fakeEvent({ user, params, url: entry.path(params) + query, form });
}

/** What SvelteKit would answer: a status, or the error thrown that it would turn into a 500. */
async function statusOf(entry: RouteEntry, event: object): Promise<number> {
	try {
		const result = await entry.run(event as never);
		return result instanceof Response ? result.status : 200;
	} catch (e) {
		if (isRedirect(e)) return e.status;
		if (isHttpError(e)) return e.status;
		throw e;
	}
}

/**
 * A valid form per action, so that a hostile value in one field at a time gets past the others
 * and reaches the deepest check (a bad evidence link only matters once the scores parse).
 */
function baselines(ids: { tech: number; member: number; team: number }): Record<string, Record<string, string | string[]>> {
	const answers = Object.fromEntries(
		VECTOR_KEYS.flatMap((k) => [
			[`score.${k}`, '3'],
			[`comment.${k}`, 'ok'],
			[`evidence.${k}`, 'https://wiki.example/x']
		])
	);
	const technology = {
		version: '0',
		name: 'Fuzzed',
		slug: 'fuzzed',
		category: 'testing',
		teamId: String(ids.team),
		lifecycle: 'adopt',
		targetLevel: '3',
		description: 'd',
		docs: 'https://docs.example',
		runbook: 'https://runbook.example',
		repo: 'https://git.example/r'
	};
	const password = { password: 'a long enough password', confirm: 'a long enough password' };
	return {
		'(app)/rounds/[id]/assess/[slug] ?/save': { version: '0', vector: VECTOR_KEYS, ...answers },
		'(app)/rounds/[id]/assess/[slug] ?/submit': { version: '0', vector: VECTOR_KEYS, ...answers },
		'(app)/rounds/[id]/assess/[slug] ?/reopen': { version: '0' },
		'(app)/rounds ?/create': { name: 'Fuzz round', dueDate: '2027-01-31' },
		'(app)/rounds/[id] ?/details': { name: 'Fuzz round renamed', dueDate: '2027-02-28' },
		'(app)/rounds/[id] ?/addTechnologies': { technologyIds: String(ids.tech) },
		'(app)/rounds/[id] ?/addRespondent': { technologyId: String(ids.tech), userId: String(ids.member) },
		'(app)/rounds/[id] ?/removeRespondent': { technologyId: String(ids.tech), userId: String(ids.member) },
		'(app)/rounds/[id] ?/reopen': { reason: 'a reason' },
		'(app)/technologies/new ?/default': technology,
		'(app)/technologies/[slug]/edit ?/default': technology,
		'(app)/backlog ?/update': {
			itemId: '1',
			version: '0',
			title: 'T',
			status: 'open',
			size: 'S',
			assigneeId: String(ids.member),
			ticketUrl: 'https://jira.example/X-1'
		},
		'(app)/admin/users ?/invite': { email: 'fuzz@example.com', role: 'member', teamIds: String(ids.team) },
		'(app)/admin/users ?/update': { userId: String(ids.member), role: 'member', active: 'on', teamIds: String(ids.team) },
		'(app)/admin/teams ?/create': { name: 'Fuzz team' },
		'(app)/admin/teams ?/rename': { teamId: String(ids.team), name: 'Fuzz team renamed' },
		'(app)/account ?/password': { current: 'wrong', ...password },
		'(auth)/login ?/default': { email: 'nobody@example.com', password: 'wrong password', next: '/rounds' },
		'(auth)/setup ?/default': { name: 'First', email: 'first@example.com', ...password },
		'(auth)/invite/[token] ?/default': { name: 'Invited', ...password }
	};
}

let admin: SessionUser;
let params: Record<string, string>;
let baseline: ReturnType<typeof baselines>;
const fieldless = new Set<string>();

beforeAll(async () => {
	admin = await createUserRow('admin');
	const team = await createTeamRow('Fuzz owners');
	const member = await createUserRow('member', { teamIds: [team.id] });
	const tech = await createTechnologyRow('Fuzz Kafka', team.id);
	baseline = baselines({ tech: tech.id, member: member.id, team: team.id });
	const r = await createRoundRow('open', [{ technologyId: tech.id, userIds: [admin.id, member.id] }]);
	params = { id: String(r.id), slug: tech.slug, token: 'no-such-invitation', file: 'report.pdf' };
	const tables = (await db().execute(
		sql`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'login_failure' order by 1`
	)) as unknown as { rows?: { t: string }[] } & { t: string }[];
	const parts = (tables.rows ?? tables).map(
		(r) => sql`(select coalesce(md5(string_agg(x::text, ',' order by x::text)), '-') from ${sql.identifier(r.t)} x)`
	);
	fingerprintQuery = sql`select md5(${sql.join(parts, sql` || `)}) as f`;
	// An action that changes something on an empty form needs no input (open, regenerate, sign out):
	// only "no 5xx" applies to it, since it stores whatever it is sent.
	for (const entry of entries.filter((e) => e.kind === 'action')) {
		const before = await fingerprint();
		const event = request(entry, [], { ...params, ...entry.params }, '', admin);
		await statusOf(entry, event).catch(() => 0);
		if ((await fingerprint()) !== before) fieldless.add(entry.key);
	}
});

describe('fuzz: hostile input to every action, load and endpoint', () => {
	it(`sends ${CASES.length} kinds of hostile value`, () => {
		expect(CASES.length).toBeGreaterThanOrEqual(40);
	});

	it.each(entries.map((e) => [e.key, e] as const))('%s: never a 5xx, nothing stored from refused input', async (key, entry) => {
		const failures: string[] = [];
		for (const c of CASES) {
			// Forms carry the hostile values; loads and endpoints get them in their path and query.
			const value = c.value();
			const pathParams =
				entry.kind === 'action' ? { ...params, ...entry.params } : Object.fromEntries(Object.keys(params).map((p) => [p, value]));
			const query = entry.kind === 'action' ? '' : `?${new URLSearchParams(QUERY.map((q) => [q, value]))}`;
			for (const user of entry.key.startsWith('(auth)') ? [null, admin] : [admin]) {
				const event = request(entry, entry.kind === 'action' ? c.form() : [], { ...pathParams, ...entry.params }, query, user);
				const before = entry.kind === 'action' && c.refused && !fieldless.has(key) ? await fingerprint() : null;
				let status: number;
				try {
					status = await statusOf(entry, event);
				} catch (e) {
					failures.push(`${c.name}: threw ${(e as Error).message?.slice(0, 200)}`);
					continue;
				}
				if (status >= 500) failures.push(`${c.name}: answered ${status}`);
				if (before !== null && (await fingerprint()) !== before) failures.push(`${c.name}: stored something`);
			}
		}
		expect(failures, failures.join('\n')).toEqual([]);
	});
});

describe('fuzz: one hostile field in an otherwise valid form', () => {
	/** Vector fields are alike: the first vector's stand for all fifteen. */
	const varied = (form: Record<string, unknown>) =>
		Object.keys(form).filter((f) => !/\.(\w+)$/.test(f) || f.endsWith(`.${VECTOR_KEYS[0]}`));

	it('has a valid form for actions that exist', () => {
		const keys = new Set(entries.map((e) => e.key));
		expect(Object.keys(baseline).filter((k) => !keys.has(k))).toEqual([]);
	});

	it.each(Object.keys(baselines({ tech: 0, member: 0, team: 0 })))('%s', async (key) => {
		const entry = entries.find((e) => e.key === key)!;
		const form = baseline[key];
		const failures: string[] = [];
		for (const field of varied(form)) {
			for (const c of HOSTILE) {
				const fields = Object.entries({ ...form, [field]: [] }).flatMap(([k, v]) =>
					(Array.isArray(v) ? v : [v]).map((x): Form[number] => [k, x])
				);
				fields.push([field, c.value()]);
				const user = key.startsWith('(auth)') ? null : admin;
				const before = c.refused ? await fingerprint() : null;
				try {
					const status = await statusOf(entry, request(entry, fields, { ...params, ...entry.params }, '', user));
					if (status >= 500) failures.push(`${field} = ${c.name}: answered ${status}`);
				} catch (e) {
					failures.push(`${field} = ${c.name}: threw ${(e as Error).message?.slice(0, 200)} ${String((e as Error).cause ?? '')}`);
					continue;
				}
				if (before !== null && (await fingerprint()) !== before) failures.push(`${field} = ${c.name}: stored something`);
			}
		}
		expect(failures, failures.join('\n')).toEqual([]);
	});
});
