import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { RINGS } from '../../src/lib/domain/tech-radar';
import { db } from '../../src/lib/server/db';
import { assignment, remediationItem, response, roundTechnology, setting, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { getFramework } from '../../src/lib/server/queries/framework';
import { changeRoundState } from '../../src/lib/server/queries/round-state';
import { createInvitation } from '../../src/lib/server/queries/users';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent } from '../helpers/event';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow, submitResponseRow, TEST_PASSWORD } from '../helpers/factories';
import { HOSTILE, HOSTILE_NAMES } from '../helpers/hostile';
import { routeEntries, type RouteEntry } from '../helpers/routes';

/**
 * argon2 checks every hostile password for real. The valid one every baseline form carries is
 * hashed once and then recognised without it: hundreds of sign-ins, sign-ups and password changes
 * at 19 MiB each would otherwise take most of this file's time.
 */
vi.mock('../../src/lib/server/auth/password', async (importOriginal) => {
	const real = await importOriginal<typeof import('../../src/lib/server/auth/password')>();
	const BASELINE = 'correct horse battery'; // TEST_PASSWORD, which a hoisted mock cannot import
	let known: Promise<string> | undefined;
	const knownHash = () => (known ??= real.hashPassword(BASELINE));
	return {
		...real,
		hashPassword: async (password: string) => (password === BASELINE ? knownHash() : real.hashPassword(password)),
		verifyPassword: async (hash: string, password: string) =>
			password === BASELINE && hash === (await knownHash()) ? true : real.verifyPassword(hash, password)
	};
});

useTestDatabase();

const entries = routeEntries();
const VECTOR_KEYS = AGILE_OPERATIONS_V1.vectors.map((v) => v.key);
const MATCHERS = Object.fromEntries(
	Object.entries(
		import.meta.glob<{ match: (param: string) => boolean }>(['/src/params/*.ts', '!/src/params/*.spec.ts'], { eager: true })
	).map(([file, mod]) => [/(\w+)\.ts$/.exec(file)![1], mod.match])
);

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
/** Query parameters sent at once to a load that reads the whole query string: what filter forms and links send, and a name nothing reads. */
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

type Fields = Record<string, string | string[]>;
type Form = [string, string | Blob][];
const text = (v: string | Blob) => (typeof v === 'string' ? v : 'blob');
const formOf = (fields: Fields): Form =>
	Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): Form[number] => [k, x]));

/** Hostile requests sent to a handler, counted across the file (loads and endpoints apart), and how many of them an action accepted. */
let executed = 0;
let toLoads = 0;
let acceptedTotal = 0;
let serial = 0;
const next = () => ++serial;

/**
 * How many rows have been written so far (sign-in failures aside: counting them is the limiter's
 * job). A trigger on every table counts each row inserted, updated or deleted by a transaction
 * that commits, so "nothing stored" is one indexed read instead of a digest of the database.
 */
async function fingerprint(): Promise<string> {
	const rows = (await db().execute(sql`select coalesce(max(id), 0)::text as f from fuzz.writes`)) as unknown as {
		rows?: { f: string }[];
	} & { f: string }[];
	return (rows.rows ?? rows)[0].f;
}

async function countWrites() {
	const tables = (await db().execute(
		sql`select table_name as t from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'login_failure' order by 1`
	)) as unknown as { rows?: { t: string }[] } & { t: string }[];
	// Its own schema, so that backups (which read the public one) never see it.
	await db().execute(sql`create schema fuzz`);
	await db().execute(sql`create table fuzz.writes (id bigserial primary key)`);
	await db().execute(
		sql.raw(`create function fuzz.count_write() returns trigger language plpgsql as $$
			begin insert into fuzz.writes default values; return null; end $$`)
	);
	for (const { t } of tables.rows ?? tables)
		await db().execute(
			sql`create trigger fuzz_count_write after insert or update or delete on ${sql.identifier(t)} for each row execute function fuzz.count_write()`
		);
}

type Outcome = { status: number; failure: boolean; data?: unknown };

/** What SvelteKit would answer: a status (a failure is an ActionFailure or an HttpError), or the error it would turn into a 500. */
async function outcomeOf(entry: RouteEntry, event: object): Promise<Outcome> {
	try {
		const result = await entry.run(event as never);
		if (isActionFailure(result)) return { status: result.status, failure: true, data: result.data };
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

const describeError = (e: unknown) =>
	`threw ${String((e as Error)?.message ?? e).slice(0, 200)} ${String((e as Error)?.cause ?? '').slice(0, 200)}`;

type Fixtures = {
	admin: SessionUser;
	member: SessionUser;
	target: SessionUser;
	pwUser: SessionUser;
	team: { id: number; name: string };
	renamedTeam: { id: number };
	tech: { id: number; slug: string };
	editTech: { id: number };
	retireTech: { id: number; slug: string };
	round: { id: number };
	scopeRound: { id: number };
	draftRound: { id: number };
	itemId: number;
	token: string;
	framework: Fields;
};
let fx: Fixtures;

/** What one request needs: its form, and where the defaults will not do, its path parameters and user. */
type Prepared = { form: Fields; params?: Record<string, string>; user?: SessionUser | null };

const freshTech = async (name: string) => createTechnologyRow(`${name} ${next()}`, fx.team.id);

/** The assessment `admin` answers in `round`, put in the given state; its version is what the next save must name. */
async function answerIn(state: 'draft' | 'submitted') {
	const key = { roundId: fx.round.id, technologyId: fx.tech.id, userId: fx.admin.id };
	await db()
		.insert(response)
		.values({ ...key, state })
		.onConflictDoUpdate({ target: [response.roundId, response.technologyId, response.userId], set: { state } });
	const [row] = await db()
		.select({ version: response.version })
		.from(response)
		.where(and(eq(response.roundId, key.roundId), eq(response.technologyId, key.technologyId), eq(response.userId, key.userId)));
	return String(row.version);
}

const answers = () =>
	Object.fromEntries(
		VECTOR_KEYS.flatMap((k) => [
			[`score.${k}`, '3'],
			[`comment.${k}`, 'ok'],
			[`evidence.${k}`, 'https://wiki.example/x']
		])
	);

const technologyForm = (n: number) => ({
	name: `Fuzzed ${n}`,
	slug: `fuzzed-${n}`,
	category: 'testing',
	teamId: String(fx.team.id),
	lifecycle: 'production',
	targetLevel: '3',
	description: 'd',
	docs: 'https://docs.example',
	runbook: 'https://runbook.example',
	repo: 'https://git.example/r'
});

const importCsv = (n: number) =>
	Papa.unparse([
		{ name: `Fuzz import ${n}`, category: 'testing', team: fx.team.name, lifecycle: 'production', description: 'd', target: '3' }
	]);

const password = { password: TEST_PASSWORD, confirm: TEST_PASSWORD };

/** Every password check starts with a clean slate, so the limiter does not stop the fuzzing at the tenth. */
const clearLimiter = () => db().execute(sql`delete from login_failure`);

/**
 * A valid form per action, built afresh for every request: names are unique, versions are read
 * from the database and whatever the action consumes (a team to delete, a round to close, an
 * invitation) is made anew. So a hostile value in one field gets past all the others and reaches
 * the deepest check, the write included. Field-less actions have an empty form.
 */
const BASELINES: Record<string, (n: number) => Promise<Prepared>> = {
	'(app)/account ?/password': async () => {
		await clearLimiter();
		return { user: fx.pwUser, form: { current: TEST_PASSWORD, ...password } };
	},
	'(app)/admin/demo ?/remove': async (n) => {
		const team = await createTeamRow(`Fuzz demo ${n}`);
		const record = { passwordHash: 'not a hash', userIds: [], teamIds: [team.id], technologyIds: [], roundIds: [] };
		await db()
			.insert(setting)
			.values({ key: 'demo-data', value: sql`${JSON.stringify(record)}::jsonb` })
			.onConflictDoUpdate({ target: setting.key, set: { value: sql`excluded.value` } });
		return { form: { confirm: 'yes' } };
	},
	'(app)/admin/framework ?/default': async (n) => ({ form: { ...fx.framework, name: `Fuzz framework ${n}`, note: 'Fuzzed' } }),
	'(app)/admin/teams ?/create': async (n) => ({ form: { name: `Fuzz team ${n}` } }),
	'(app)/admin/teams ?/rename': async (n) => ({ form: { teamId: String(fx.renamedTeam.id), name: `Fuzz team renamed ${n}` } }),
	'(app)/admin/teams ?/delete': async (n) => ({ form: { teamId: String((await createTeamRow(`Fuzz doomed team ${n}`)).id) } }),
	'(app)/admin/users ?/invite': async (n) => ({ form: { email: `fuzz${n}@example.com`, role: 'member', teamIds: String(fx.team.id) } }),
	'(app)/admin/users ?/update': async () => ({
		form: { userId: String(fx.target.id), role: 'member', active: 'on', teamIds: String(fx.team.id) }
	}),
	'(app)/backlog ?/update': async () => {
		const [item] = await db().select({ v: remediationItem.version }).from(remediationItem).where(eq(remediationItem.id, fx.itemId));
		return {
			form: {
				itemId: String(fx.itemId),
				version: String(item.v),
				title: 'T',
				status: 'open',
				size: '3',
				assigneeId: String(fx.member.id),
				ticketUrl: 'https://jira.example/X-1'
			}
		};
	},
	'(app)/portfolio/radar ?/config': async () => {
		const [row] = await db().select({ v: setting.version }).from(setting).where(eq(setting.key, 'tech-radar'));
		return {
			form: {
				version: String(row?.v ?? 0),
				...Object.fromEntries(['Data', 'Platforms', 'Delivery', 'Other'].map((q, i) => [`quadrant.${i}`, q])),
				...Object.fromEntries([0, 1, 2, 3, 4, 5].map((l) => [`ring.${l}`, RINGS[Math.max(0, 3 - Math.floor(l / 2))]])),
				'category.testing': '1'
			}
		};
	},
	'(app)/rounds ?/create': async (n) => ({ form: { name: `Fuzz round ${n}`, dueDate: '2027-01-31' } }),
	'(app)/rounds/[id] ?/details': async (n) => ({
		params: { id: String(fx.scopeRound.id) },
		form: { name: `Fuzz round renamed ${n}`, dueDate: '2027-02-28' }
	}),
	'(app)/rounds/[id] ?/addTechnologies': async () => ({
		params: { id: String(fx.scopeRound.id) },
		form: { technologyIds: String(fx.tech.id) }
	}),
	'(app)/rounds/[id] ?/removeTechnology': async () => {
		await db().insert(roundTechnology).values({ roundId: fx.draftRound.id, technologyId: fx.tech.id }).onConflictDoNothing();
		return { params: { id: String(fx.draftRound.id) }, form: { technologyId: String(fx.tech.id) } };
	},
	'(app)/rounds/[id] ?/addRespondent': async () => ({
		params: { id: String(fx.scopeRound.id) },
		form: { technologyId: String(fx.tech.id), userId: String(fx.member.id) }
	}),
	'(app)/rounds/[id] ?/removeRespondent': async () => {
		await db()
			.insert(assignment)
			.values({ roundId: fx.scopeRound.id, technologyId: fx.tech.id, userId: fx.member.id })
			.onConflictDoNothing();
		return { params: { id: String(fx.scopeRound.id) }, form: { technologyId: String(fx.tech.id), userId: String(fx.member.id) } };
	},
	'(app)/rounds/[id] ?/open': async () => ({
		params: { id: String((await createRoundRow('draft', [{ technologyId: fx.tech.id, userIds: [] }])).id) },
		form: {}
	}),
	'(app)/rounds/[id] ?/regenerate': async () => ({ params: { id: String(fx.scopeRound.id) }, form: {} }),
	'(app)/rounds/[id] ?/close': async () => ({
		params: { id: String((await createRoundRow('open', [{ technologyId: fx.tech.id, userIds: [] }])).id) },
		form: { confirm: 'yes' }
	}),
	// A round made closed now is the newest closed one, the only kind that reopens.
	'(app)/rounds/[id] ?/reopen': async () => ({
		params: { id: String((await createRoundRow('closed', [{ technologyId: fx.tech.id, userIds: [] }])).id) },
		form: { reason: 'a reason' }
	}),
	'(app)/rounds/[id]/assess/[slug] ?/save': async () => ({
		form: { version: await answerIn('draft'), vector: VECTOR_KEYS, ...answers() }
	}),
	'(app)/rounds/[id]/assess/[slug] ?/submit': async () => ({
		form: { version: await answerIn('draft'), vector: VECTOR_KEYS, ...answers() }
	}),
	'(app)/rounds/[id]/assess/[slug] ?/reopen': async () => ({ form: { version: await answerIn('submitted') } }),
	'(app)/technologies/[slug] ?/delete': async () => ({ params: { slug: (await freshTech('Fuzz doomed')).slug }, form: { confirm: 'yes' } }),
	'(app)/technologies/[slug] ?/retire': async () => ({ params: { slug: fx.retireTech.slug }, form: {} }),
	'(app)/technologies/[slug]/edit ?/default': async () => {
		// A hostile slug that is valid moves the technology: its current slug is the address.
		const [row] = await db()
			.select({ slug: technology.slug, v: technology.version })
			.from(technology)
			.where(eq(technology.id, fx.editTech.id));
		return {
			params: { slug: row.slug },
			form: { ...technologyForm(0), name: 'Fuzz edit target', slug: 'fuzz-edit-target', version: String(row.v) }
		};
	},
	'(app)/technologies/import ?/preview': async (n) => ({ form: { csv: importCsv(n) } }),
	'(app)/technologies/import ?/import': async (n) => ({ form: { csv: importCsv(n) } }),
	'(app)/technologies/new ?/default': async (n) => ({ form: technologyForm(n) }),
	'(auth)/invite/[token] ?/default': async (n) => ({
		user: null,
		params: { token: await createInvitation(fx.admin.id, { email: `invitee${n}@example.com`, role: 'member', teamIds: [] }) },
		form: { name: 'Invited', ...password }
	}),
	'(auth)/login ?/default': async () => {
		await clearLimiter();
		return { user: null, form: { email: fx.admin.email, password: TEST_PASSWORD, next: '/rounds' } };
	},
	'(auth)/logout ?/default': async () => ({ form: {} }),
	// There are users already: a valid form reaches the first-admin insert, which declines, and signs in nobody.
	'(auth)/setup ?/default': async (n) => ({ user: null, form: { name: 'First', email: `first${n}@example.com`, ...password } })
};

/** Actions that take no input at all: they get every field the app renders, hostile, and must not break. */
const FIELDLESS = new Set([
	'(auth)/logout ?/default',
	'(app)/rounds/[id] ?/open',
	'(app)/rounds/[id] ?/regenerate',
	'(app)/technologies/[slug] ?/retire'
]);

/** Fields that clean a value instead of refusing it: a bad `next` signs in and goes to `/`. */
const SANITISED: Record<string, string[]> = { '(auth)/login ?/default': ['next'] };

/**
 * Fields that another field of the same form stands for, being read by the same rule into the same
 * kind of column. The technology editor shares its schema with the new-technology form, which
 * gets every field; the editor's own are its version, the address (slug), the name and the team.
 * Level descriptions and guidance lines are read like a vector's description.
 */
const ALIKE: Record<string, string[]> = {
	'(app)/admin/framework ?/default': ['levels.0', `v.${VECTOR_KEYS[0]}.anchor.0`],
	'(app)/technologies/new ?/default': ['runbook', 'repo'],
	'(app)/technologies/[slug]/edit ?/default': ['category', 'lifecycle', 'targetLevel', 'description', 'docs', 'runbook', 'repo'],
	// Submitting parses and writes answers as saving does; what it adds is the check that every vector is answered.
	'(app)/rounds/[id]/assess/[slug] ?/submit': [`comment.${VECTOR_KEYS[0]}`, `evidence.${VECTOR_KEYS[0]}`]
};

/**
 * Fields worth a hostile value each: vector fields are alike, so the first vector's stand for all
 * fifteen; numbered fields (levels, anchors, quadrants, rings) by their first; and ALIKE.
 */
const varied = (key: string, form: Fields) =>
	Object.keys(form).filter(
		(f) => !f.split('.').some((p) => VECTOR_KEYS.includes(p) && p !== VECTOR_KEYS[0]) && !/\.[1-9]\d*$/.test(f) && !ALIKE[key]?.includes(f)
	);

/** `form` with `field` sent once, as `value`. */
const replacing = (form: Fields, field: string, value: string | Blob): Form => [...formOf({ ...form, [field]: [] }), [field, value]];

/** Hostile shapes of a whole form, around its valid fields. */
const STRUCTURAL: { name: string; build: (form: Fields) => Form }[] = [
	{
		name: 'every field twice, disagreeing',
		build: (f) =>
			formOf(f).flatMap(([k, v]): Form => [
				[k, v],
				[k, `${text(v)}x`]
			])
	},
	{
		name: 'two hundred unknown fields',
		build: (f) => [...formOf(f), ...Array.from({ length: 200 }, (_, i): Form[number] => [`unknown${i}[]`, '\u0000'.repeat(i % 3)])]
	},
	{
		name: 'ten thousand copies of the first field',
		build: (f) => {
			const form = formOf(f);
			return [...form, ...Array.from({ length: 10_000 }, (): Form[number] => form[0] ?? ['technologyIds', '1'])];
		}
	},
	{ name: 'hostile field names', build: (f) => [...formOf(f), ...HOSTILE_NAMES.map((n): Form[number] => [n, 'x'])] },
	{
		name: '__proto__ twice',
		build: (f) => [...formOf(f), ['__proto__', 'a'], ['__proto__', 'b']]
	},
	{ name: 'a file in an unknown field', build: (f) => [...formOf(f), ['attachment', new Blob(['x'])]] },
	{
		name: 'every other field the app renders, with a NUL inside',
		build: (f) => [...formOf(f), ...FIELDS.filter((x) => !(x in f)).map((x): Form[number] => [x, 'Kafka\u0000cluster'])]
	},
	{ name: 'every field empty', build: (f) => Object.keys(f).map((k): Form[number] => [k, '']) },
	{ name: 'no fields at all', build: () => [] }
];

/** The import's CSV with one cell of its row replaced. */
function csvWith(csv: string, column: string, value: string) {
	const [row] = Papa.parse<Record<string, string>>(csv, { header: true }).data;
	return Papa.unparse([{ ...row, [column]: value }]);
}
const CSV_COLUMNS = ['name', 'category', 'team', 'lifecycle', 'description', 'target'];

/** Path parameters naming things that exist: the open round `admin` scores in, its technology, an open invitation. */
const validParams = (): Record<string, string> => ({ id: String(fx.round.id), slug: fx.tech.slug, token: fx.token });

function request(entry: RouteEntry, form: Form, params: Record<string, string>, query: string, user: SessionUser | null | undefined) {
	return fakeEvent({ user: user === undefined ? fx.admin : user, params, url: entry.path(params) + query, form });
}

const entryOf = (key: string) => entries.find((e) => e.key === key)!;
const isAccepted = (o: Outcome) =>
	!o.failure &&
	o.status < 400 &&
	!(o.data as { refused?: boolean } | undefined)?.refused &&
	!(o.data as { lines?: { action: string }[] } | undefined)?.lines?.some((l) => l.action === 'error');

beforeAll(async () => {
	const admin = await createUserRow('admin');
	const team = await createTeamRow('Fuzz owners');
	const member = await createUserRow('member', { teamIds: [team.id] });
	const tech = await createTechnologyRow('Fuzz Kafka', team.id);
	const round = await createRoundRow('open', [{ technologyId: tech.id, userIds: [admin.id, member.id] }]);
	const scopeRound = await createRoundRow('open', [{ technologyId: tech.id, userIds: [member.id] }]);
	const draftRound = await createRoundRow('draft', [{ technologyId: tech.id, userIds: [] }]);
	// Backlog items come from closing a round whose answers fall short of the target.
	const backlogTech = await createTechnologyRow('Fuzz backlog', team.id, 4);
	const backlogRound = await createRoundRow('open', [{ technologyId: backlogTech.id, userIds: [admin.id] }]);
	await submitResponseRow(backlogRound.id, backlogTech.id, admin.id, () => 1);
	expect(await changeRoundState(admin.id, backlogRound.id, 'closed')).toBe('ok');
	const [item] = await db()
		.select({ id: remediationItem.id })
		.from(remediationItem)
		.where(eq(remediationItem.technologyId, backlogTech.id))
		.limit(1);
	const base = await getFramework();
	const framework: Fields = Object.fromEntries(base.levels.map((l, i) => [`levels.${i}`, l]));
	for (const v of base.vectors) {
		const p = `v.${v.key}`;
		Object.assign(framework, { [`${p}.name`]: v.name, [`${p}.description`]: v.description, [`${p}.lane`]: v.lane });
		Object.assign(framework, { [`${p}.weight`]: String(v.weight) });
		v.anchors.forEach((a, i) => (framework[`${p}.anchor.${i}`] = a));
	}
	fx = {
		admin,
		member,
		target: await createUserRow('member', { teamIds: [team.id] }),
		pwUser: await createUserRow('member'),
		team,
		renamedTeam: await createTeamRow('Fuzz renamed'),
		tech,
		editTech: await createTechnologyRow('Fuzz edit target', team.id),
		retireTech: await createTechnologyRow('Fuzz retiree', team.id),
		round,
		scopeRound,
		draftRound,
		itemId: item.id,
		token: await createInvitation(admin.id, { email: 'never-accepted@example.com', role: 'member', teamIds: [] }),
		framework
	};
	await countWrites();
});

afterAll(() => {
	console.info(
		`fuzz: ${executed} hostile requests sent: ${toLoads} to loads and endpoints, ${executed - toLoads} to actions, which accepted ${acceptedTotal} (valid somewhere, stored)`
	);
});

describe('fuzz: hostile path and query parameters to every load and endpoint', () => {
	/** Which query parameters a handler reads by name, and `*` when it reads the whole query string. */
	async function queryReads(entry: RouteEntry, params: Record<string, string>, user: SessionUser | null) {
		const reads = new Set<string>();
		const event = request(entry, [], params, `?${new URLSearchParams(QUERY.map((q) => [q, '1']))}`, user) as unknown as { url: URL };
		const search = event.url.searchParams as unknown as Record<string | symbol, (...a: unknown[]) => unknown>;
		for (const m of ['get', 'getAll', 'has']) {
			const f = search[m].bind(search);
			Object.defineProperty(search, m, { value: (name: string, ...rest: unknown[]) => (reads.add(name), f(name, ...rest)) });
		}
		for (const m of ['entries', 'keys', 'values', 'forEach', 'toString', Symbol.iterator]) {
			const f = search[m].bind(search);
			Object.defineProperty(search, m, { value: (...a: unknown[]) => (reads.add('*'), f(...a)) });
		}
		const url = event.url;
		event.url = new Proxy(url, {
			get(target, p) {
				if (p === 'search' || p === 'href' || p === 'toString' || p === 'toJSON') reads.add('*');
				const v = Reflect.get(target, p) as unknown;
				return typeof v === 'function' ? v.bind(target) : v;
			}
		});
		await outcomeOf(entry, event).catch(() => null);
		return reads;
	}

	const loads = entries.filter((e) => e.kind !== 'action');
	const QUERY_VARIANT = 'report.json';

	it.each(loads.map((e) => [e.key, e] as const))('%s: never a 5xx', async (key, entry) => {
		const valid = { ...validParams(), ...entry.params };
		const users = key.startsWith('(auth)') ? [null, fx.admin] : [fx.admin];
		const failures: string[] = [];
		const send = async (label: string, params: Record<string, string>, query: string) => {
			for (const user of users) {
				executed++;
				toLoads++;
				try {
					const o = await outcomeOf(entry, request(entry, [], params, query, user));
					if (o.status >= 500) failures.push(`${label}: answered ${o.status}`);
				} catch (e) {
					failures.push(`${label}: ${describeError(e)}`);
				}
			}
		};
		const values = HOSTILE.flatMap((k) => {
			const v = k.value();
			return typeof v === 'string' ? [[k.name, v] as const] : [];
		});
		// Variants share one handler, which reads the query before the variant matters: their own
		// parameter is fuzzed on the first variant, the query on the cheapest to make.
		const variants = loads.filter((e) => e.run === entry.run);
		const queryVariant = variants.find((e) => Object.values(e.params).includes(QUERY_VARIANT)) ?? variants[0];

		// The path, one parameter at a time, the others valid.
		for (const param of [...key.matchAll(/\[(\w+)\]/g)].map((m) => m[1])) {
			if (param in entry.params && variants[0] !== entry) continue;
			const matcher = entry.matchers[param];
			for (const [name, value] of values) {
				// SvelteKit answers 404 itself when the parameter's matcher refuses the value.
				if (matcher && !MATCHERS[matcher](value)) continue;
				await send(`path ${param} = ${name}`, { ...valid, [param]: value }, '');
			}
		}

		// The query, with a valid path: each parameter the handler reads by name on its own, and
		// every parameter at once to a handler that reads the whole query string.
		const reads = new Set<string>();
		if (queryVariant === entry) for (const user of users) for (const r of await queryReads(entry, valid, user)) reads.add(r);
		for (const read of reads) {
			for (const [name, value] of values) {
				const query = read === '*' ? QUERY.map((q) => [q, value]) : [[read, value]];
				await send(`${read === '*' ? 'every query parameter' : `?${read}`} = ${name}`, valid, `?${new URLSearchParams(query)}`);
			}
		}
		expect(failures, failures.join('\n')).toEqual([]);
	});
});

describe('fuzz: the valid form each action is fuzzed from', () => {
	const actionKeys = entries.filter((e) => e.kind === 'action').map((e) => e.key);

	it('carries the password the argon2 shortcut knows', () => {
		expect(TEST_PASSWORD).toBe('correct horse battery');
	});

	it('covers every action there is, and only those', () => {
		expect(actionKeys.filter((k) => !(k in BASELINES))).toEqual([]);
		expect(Object.keys(BASELINES).filter((k) => !actionKeys.includes(k))).toEqual([]);
	});

	it('is empty exactly for the field-less actions', async () => {
		const empty: string[] = [];
		for (const key of Object.keys(BASELINES)) if (Object.keys((await BASELINES[key](next())).form).length === 0) empty.push(key);
		expect(empty.sort()).toEqual([...FIELDLESS].sort());
	});

	it.each(Object.keys(BASELINES))('%s: accepted on its own', async (key) => {
		const p = await BASELINES[key](next());
		const o = await outcomeOf(entryOf(key), request(entryOf(key), formOf(p.form), { ...validParams(), ...p.params }, '', p.user));
		expect(isAccepted(o), JSON.stringify(o).slice(0, 500)).toBe(true);
	});
});

describe('fuzz: one hostile value in an otherwise valid form', () => {
	it(`knows at least forty kinds of hostile value (${HOSTILE.length})`, () => {
		expect(HOSTILE.length).toBeGreaterThanOrEqual(40);
	});

	it.each(Object.keys(BASELINES))('%s: never a 5xx, nothing stored from refused input', async (key) => {
		const entry = entryOf(key);
		const fields = varied(key, (await BASELINES[key](next())).form);
		const cases: { label: string; refused: boolean; build: (form: Fields) => Form }[] = [];
		for (const field of fields)
			for (const k of HOSTILE)
				cases.push({
					label: `${field} = ${k.name}`,
					refused: k.refused && !SANITISED[key]?.includes(field),
					build: (form) => replacing(form, field, k.value())
				});
		if (key === '(app)/technologies/import ?/import')
			for (const column of CSV_COLUMNS)
				for (const k of HOSTILE.filter((k) => typeof k.value() === 'string'))
					cases.push({
						label: `csv ${column} = ${k.name}`,
						refused: k.refused,
						build: (form) => formOf({ ...form, csv: csvWith(String(form.csv), column, k.value() as string) })
					});
		if (FIELDLESS.has(key))
			for (const k of HOSTILE)
				cases.push({ label: `every field = ${k.name}`, refused: false, build: () => FIELDS.map((f): Form[number] => [f, k.value()]) });
		cases.push(...STRUCTURAL.map((s) => ({ label: s.name, refused: false, build: s.build })));

		const failures: string[] = [];
		let accepted = 0;
		for (const c of cases) {
			const p = await BASELINES[key](next());
			const before = c.refused ? await fingerprint() : null;
			executed++;
			let o: Outcome;
			try {
				o = await outcomeOf(entry, request(entry, c.build(p.form), { ...validParams(), ...p.params }, '', p.user));
			} catch (e) {
				failures.push(`${c.label}: ${describeError(e)}`);
				continue;
			}
			if (o.status >= 500) failures.push(`${c.label}: answered ${o.status}`);
			if (before !== null && (await fingerprint()) !== before) failures.push(`${c.label}: stored something (answered ${o.status})`);
			if (isAccepted(o)) {
				accepted++;
				acceptedTotal++;
			}
		}
		expect(failures, failures.join('\n')).toEqual([]);
		// Proof that the baseline stayed valid request after request: hostile text that is fine somewhere got through.
		expect(accepted, 'no hostile request was accepted: the baseline went stale').toBeGreaterThan(0);
	});
});

describe('fuzz: the total', () => {
	it('sent thousands of hostile requests', () => {
		console.info(`fuzz: ${executed} hostile requests sent`);
		expect(executed).toBeGreaterThan(1000);
	});
});
