import type { PGlite, Results, Transaction } from '@electric-sql/pglite';

/**
 * Named prepared statements for PGlite, which drizzle's driver does not use: `query` sends
 * parse, describe, bind, describe, execute and sync as six separate calls into the database and
 * has every statement parsed and planned again. Here a statement is parsed once (with its
 * parameter and row types described), and each use after that is one call carrying bind,
 * execute and sync, on PostgreSQL's cached plan: 5× faster for the technology page's statement
 * and 8× for the session look-up (measured on the demo data).
 *
 * Only single data statements with few parameters are kept (as on PostgreSQL, see instrument.ts),
 * at most 1,000 of them; anything else goes through PGlite's own `query`.
 */

type QueryOptions = Parameters<PGlite['query']>[2];
type Statement = { name: string; parameterTypes: number[]; fields: { name: string; dataTypeID: number }[] };
type Message = { name: string; dataTypeIDs?: number[]; fields?: unknown[]; text?: string };

// What PGlite keeps to itself but its own `query` uses; present at run time in the version pinned.
type Internals = {
	parsers: Record<number, (text: string, typeId: number) => unknown>;
	serializers: Record<number, (value: unknown) => string>;
	_checkReady(): Promise<void>;
	_runExclusiveQuery<T>(fn: () => Promise<T>): Promise<T>;
	_runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T>;
};

const MAX_PARAMETERS = 32;
const MAX_STATEMENTS = 1000;
const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;

const encoder = new TextEncoder();
const concat = (parts: Uint8Array[]) => {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
};
const int16 = (n: number) => new Uint8Array([(n >> 8) & 0xff, n & 0xff]);
const int32 = (n: number) => new Uint8Array([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const cString = (s: string) => concat([encoder.encode(s), new Uint8Array([0])]);
/** One frontend message of the PostgreSQL wire protocol: type byte, length, body. */
const message = (type: string, body: Uint8Array) => concat([new Uint8Array([type.charCodeAt(0)]), int32(body.length + 4), body]);

const parse = (name: string, text: string) => message('P', concat([cString(name), cString(text), int16(0)]));
const describeStatement = (name: string) => message('D', concat([new Uint8Array([0x53]), cString(name)]));
const bind = (name: string, values: (string | null)[]) =>
	message(
		'B',
		concat([
			cString(''),
			cString(name),
			int16(0),
			int16(values.length),
			...values.flatMap((v) => {
				if (v === null) return [int32(-1)];
				const bytes = encoder.encode(v);
				return [int32(bytes.length), bytes];
			}),
			int16(0)
		])
	);
const execute = message('E', concat([cString(''), int32(0)]));
const sync = message('S', new Uint8Array());

const AFFECTING = /^(INSERT \d+|UPDATE|DELETE|MERGE) (\d+)$/;
const STALE_STATEMENT = new Set(['0A000', '26000']);

/** The internals this file relies on, present in the exactly pinned PGlite; a missing one stops the start with this file's name. */
export function missingInternals(pg: PGlite): string[] {
	const internals = pg as unknown as Record<string, unknown>;
	const functions = ['_checkReady', '_runExclusiveQuery', '_runExclusiveTransaction', 'execProtocol', 'syncToFs'];
	const tables = ['parsers', 'serializers'];
	return [
		...functions.filter((name) => typeof internals[name] !== 'function'),
		...tables.filter((name) => typeof internals[name] !== 'object' || internals[name] === null)
	];
}

/** Not an outage to wait out: the start stops with this (exit code 2). */
export class PgliteInternalsChanged extends Error {}

export function preparedStatements(pg: PGlite) {
	const missing = missingInternals(pg);
	if (missing.length)
		throw new PgliteInternalsChanged(
			`This PGlite lacks what db/pglite-prepared.ts uses (${missing.join(', ')}): pin @electric-sql/pglite to the tested version, or set DATABASE_PREPARED=0`
		);
	const internals = pg as unknown as Internals;
	const statements = new Map<string, Statement>();
	// Unique per instance, should two ever wrap the same database.
	const prefix = `opsm_${Math.random().toString(36).slice(2, 8)}_`;
	let named = 0;

	/** Parses and describes a statement once; a parse error is the statement's own error, thrown as PGlite would. */
	async function describe(text: string): Promise<Statement> {
		const name = `${prefix}${++named}`;
		const { messages } = await pg.execProtocol(concat([parse(name, text), describeStatement(name), sync]), { syncToFs: false });
		const parameters = (messages as Message[]).find((m) => m.name === 'parameterDescription');
		const rows = (messages as Message[]).find((m) => m.name === 'rowDescription');
		return {
			name,
			parameterTypes: parameters?.dataTypeIDs ?? [],
			fields: ((rows?.fields ?? []) as { name: string; dataTypeID: number }[]).map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }))
		};
	}

	async function run(statement: Statement, params: unknown[], options: QueryOptions): Promise<Results> {
		const values = params.map((value, i) => {
			if (value === null || value === undefined) return null;
			const type = statement.parameterTypes[i];
			const serialize = options?.serializers?.[type] ?? internals.serializers[type];
			return serialize ? serialize(value) : String(value);
		});
		const { messages } = await pg.execProtocol(concat([bind(statement.name, values), execute, sync]), { syncToFs: false });
		const parsers = statement.fields.map((f) => options?.parsers?.[f.dataTypeID] ?? internals.parsers[f.dataTypeID]);
		const asArrays = options?.rowMode === 'array';
		const rows: unknown[] = [];
		let affectedRows = 0;
		for (const m of messages as Message[]) {
			if (m.name === 'dataRow') {
				const values = (m.fields as (string | null)[]).map((text, i) =>
					text === null ? null : parsers[i] ? parsers[i](text, statement.fields[i].dataTypeID) : text
				);
				rows.push(asArrays ? values : Object.fromEntries(statement.fields.map((f, i) => [f.name, values[i]])));
			} else if (m.name === 'commandComplete') {
				const affected = AFFECTING.exec(m.text ?? '');
				if (affected) affectedRows = Number(affected[2]);
			}
		}
		return { rows, fields: [...statement.fields], affectedRows } as Results;
	}

	/** The prepared path when the statement qualifies, else `fallback` (PGlite's own query). */
	async function query(
		text: string,
		params: unknown[] = [],
		options: QueryOptions,
		fallback: () => Promise<Results>,
		inTransaction: boolean
	): Promise<Results> {
		// One statement of data only: a text with a `;` may hold several, which cannot be prepared.
		const preparable =
			!options?.blob &&
			!options?.paramTypes &&
			!options?.onNotice &&
			params.length <= MAX_PARAMETERS &&
			DATA_STATEMENT.test(text) &&
			!text.includes(';');
		if (!preparable || (!statements.has(text) && statements.size >= MAX_STATEMENTS)) return fallback();
		const exclusive = async () => {
			let statement = statements.get(text);
			if (!statement) statements.set(text, (statement = await describe(text)));
			let result: Results;
			try {
				result = await run(statement, params, options);
			} catch (error) {
				// A plan whose result type changed (a migration) or a statement gone: parse it afresh next time.
				if (STALE_STATEMENT.has((error as { code?: string }).code ?? '')) statements.delete(text);
				throw error;
			}
			if (!inTransaction) await pg.syncToFs();
			return result;
		};
		// As PGlite's own query: outside a transaction it waits for any transaction to finish.
		let result: Results;
		if (inTransaction) result = await internals._runExclusiveQuery(exclusive);
		else {
			await internals._checkReady();
			result = await internals._runExclusiveTransaction(() => internals._runExclusiveQuery(exclusive));
		}
		return result;
	}

	return {
		/** Replaces `target.query` (the client's, or a transaction's) with the prepared path. */
		install<C extends Pick<Transaction, 'query'>>(target: C, inTransaction: boolean) {
			const original = target.query.bind(target);
			target.query = ((text: string, params?: unknown[], options?: QueryOptions) => {
				// As PGlite's own: a transaction that has ended takes no more statements.
				if (inTransaction && (target as Partial<Transaction>).closed) return Promise.reject(new Error('Transaction is closed'));
				return query(text, params, options, () => original(text, params, options), inTransaction);
			}) as C['query'];
			return target;
		}
	};
}
