import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import { useTestDatabase } from '../helpers/db';
import { TEST_PASSWORD } from '../helpers/factories';
import { ALIKE, FIELDLESS, SANITISED } from '../helpers/fuzz-field-rules';
import { createFuzzFixtures } from '../helpers/fuzz-fixtures';
import { formOf, next, text, VECTOR_KEYS, type Fields, type Form } from '../helpers/fuzz-form-builders';
import { BASELINES } from '../helpers/fuzz-forms';
import { describeError, entries, outcomeOf, request, validParams, type Outcome } from '../helpers/fuzz-harness';
import { HOSTILE, HOSTILE_NAMES } from '../helpers/hostile';

// Hostile forms to every action, each built from a valid one: never a 5xx, nothing stored from refused input.

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

/** Hostile requests sent to actions, counted across the file, and how many of them an action accepted. */
let executed = 0;
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
	delete env.SMTP_URL; // set by the outbox's baseline
	console.info(`fuzz: ${executed} hostile requests sent to actions, which accepted ${acceptedTotal} (valid somewhere, stored)`);
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
		const o = await outcomeOf(
			entryOf(key),
			request(entryOf(key), formOf(p.form), { ...validParams(), ...p.params }, p.query ?? '', p.user)
		);
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
				o = await outcomeOf(entry, request(entry, c.build(p.form), { ...validParams(), ...p.params }, p.query ?? '', p.user));
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
		expect(executed).toBeGreaterThan(1000);
	});
});
