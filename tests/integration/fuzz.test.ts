import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isActionFailure, isHttpError, isRedirect } from '@sveltejs/kit';
import { db } from '../../src/lib/server/db';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent } from '../helpers/event';
import { TEST_PASSWORD } from '../helpers/factories';
import { HOSTILE, HOSTILE_NAMES } from '../helpers/hostile';
import { routeEntries, type RouteEntry } from '../helpers/routes';
import {
	ALIKE,
	BASELINES,
	createFuzzFixtures,
	FIELDLESS,
	formOf,
	fx,
	next,
	SANITISED,
	text,
	VECTOR_KEYS,
	type Fields,
	type Form
} from '../helpers/fuzz-forms';

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

/** Hostile requests sent to a handler, counted across the file (loads and endpoints apart), and how many of them an action accepted. */
let executed = 0;
let toLoads = 0;
let acceptedTotal = 0;

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
	await createFuzzFixtures();
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
