import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { openDatabase, rowsOf } from '../../src/lib/server/db/client';
import { startDatabaseWithRetry } from '../../src/lib/server/db';
import { missingInternals, PgliteInternalsChanged, preparedStatements } from '../../src/lib/server/db/pglite-prepared';

// The embedded database's prepared path must answer exactly as PGlite's own `query` does.
let plain: PGlite;
let fast: PGlite;
const SETUP = `create table t (id serial primary key, name text unique, at timestamptz, doc jsonb, n numeric, tags int[], ok boolean);
	insert into t (name, at, doc, n, tags, ok) values ('a', '2026-01-02T03:04:05Z', '{"x": [1, 2]}', 1.5, '{1,2}', true), ('b', null, null, null, null, null);`;

beforeAll(async () => {
	[plain, fast] = await Promise.all([PGlite.create(), PGlite.create()]);
	await Promise.all([plain.exec(SETUP), fast.exec(SETUP)]);
	const prepared = preparedStatements(fast);
	prepared.install(fast, false);
	const transaction = fast.transaction.bind(fast);
	fast.transaction = ((fn: Parameters<PGlite['transaction']>[0]) =>
		transaction((tx) => fn(prepared.install(tx, true)))) as PGlite['transaction'];
});
afterAll(async () => Promise.all([plain.close(), fast.close()]));

describe('PGlite statements kept prepared', () => {
	it.each([
		['objects', 'select * from t order by id', [], undefined],
		['arrays', 'select id, name, at, doc, n, tags, ok from t where id = any($1) order by id', [[1, 2]], { rowMode: 'array' as const }],
		['custom parsers', 'select at from t where name = $1', ['a'], { parsers: { [types.TIMESTAMPTZ]: (v: string) => v } }],
		['a parameter typed by its column', 'select name from t where doc = $1', [{ x: [1, 2] }], undefined],
		['an update', 'update t set n = n + $1 where ok', [1], undefined]
	])('%s: same rows, fields and affected count as PGlite', async (_case, text, params, options) => {
		for (let run = 0; run < 7; run++) {
			// Past five runs PostgreSQL may switch to its generic plan: the answer must not change.
			const [a, b] = [await plain.query(text, params, options), await fast.query(text, params, options)];
			expect(b.rows).toEqual(a.rows);
			expect(b.fields.map((f) => [f.name, f.dataTypeID])).toEqual(a.fields.map((f) => [f.name, f.dataTypeID]));
			expect(b.affectedRows).toBe(a.affectedRows);
		}
	});

	it('parses each statement once: PostgreSQL lists it as prepared', async () => {
		for (let i = 0; i < 3; i++) await fast.query('select name from t where id = $1', [1]);
		const { rows } = await fast.query<{ statement: string }>('select statement from pg_prepared_statements where not from_sql');
		expect(rows.filter((r) => r.statement === 'select name from t where id = $1')).toHaveLength(1);
	});

	it('an error carries its SQLSTATE, and a failed transaction leaves nothing behind', async () => {
		await expect(fast.query("insert into t (name) values ('a')")).rejects.toMatchObject({ code: '23505' });
		await expect(
			fast.transaction(async (tx) => {
				await tx.query("insert into t (name) values ('c')");
				await tx.query("insert into t (name) values ('a')");
			})
		).rejects.toMatchObject({ code: '23505' });
		expect((await fast.query("select count(*)::int as n from t where name = 'c'")).rows).toEqual([{ n: 0 }]);
	});

	it('a transaction that has ended takes no more statements', async () => {
		let leaked: Transaction | undefined;
		await fast.transaction(async (tx) => {
			leaked = tx;
		});
		await expect(leaked!.query('select name from t where id = $1', [1])).rejects.toThrow('Transaction is closed');
	});

	it('a schema change goes through PGlite itself, unprepared', async () => {
		await fast.query('create table u (id int)');
		const { rows } = await fast.query<{ statement: string }>('select statement from pg_prepared_statements where not from_sql');
		expect(rows.map((r) => r.statement)).not.toContain('create table u (id int)');
	});
});

// pglite-prepared.ts uses PGlite's internals: a change under it must stop the start, not answer wrongly.
describe('the PGlite internals the prepared path uses', () => {
	it('are all in the installed PGlite, which package.json pins to one exact version', () => {
		const pinned = JSON.parse(readFileSync('package.json', 'utf8')).dependencies['@electric-sql/pglite'];
		expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
		expect(JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')).version).toBe(pinned);
		expect(missingInternals(fast)).toEqual([]);
	});

	it("stop the start with this file's name when one is gone", () => {
		const changed = Object.create(plain, { _runExclusiveQuery: { value: undefined } }) as PGlite;
		expect(missingInternals(changed)).toEqual(['_runExclusiveQuery']);
		expect(() => preparedStatements(changed)).toThrow(/pglite-prepared\.ts uses \(_runExclusiveQuery\).*DATABASE_PREPARED=0/);
	});

	it('stop the start at once when one is gone: no retries', async () => {
		// A PGlite whose own code no longer has `_runExclusiveQuery` (renamed, say), as the app's start opens it.
		const create = PGlite.create.bind(PGlite);
		const changed = vi.spyOn(PGlite, 'create').mockImplementationOnce(async (...args: Parameters<typeof PGlite.create>) => {
			const pg = await create(...args);
			Object.defineProperty(pg, '_runExclusiveQuery', { value: undefined });
			return pg;
		});
		try {
			const retries: number[] = [];
			const start = startDatabaseWithRetry(
				async () => {},
				(attempt) => void retries.push(attempt),
				{ kind: 'pglite' }
			);
			await expect(start).rejects.toBeInstanceOf(PgliteInternalsChanged);
			expect(retries).toEqual([]);
		} finally {
			changed.mockRestore();
		}
	});

	it('are left alone with DATABASE_PREPARED=0: PGlite parses every statement itself', async () => {
		const handle = await openDatabase({ kind: 'pglite', prepared: false });
		try {
			for (let i = 0; i < 3; i++) await handle.db.execute(sql`select ${i}::int as n`);
			const prepared = rowsOf(await handle.db.execute(sql`select statement from pg_prepared_statements where not from_sql`));
			expect(prepared).toEqual([]);
		} finally {
			await handle.close();
		}
	});
});
