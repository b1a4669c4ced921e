import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Sql } from 'postgres';
import { metrics } from '../metrics';
import { preparedStatements } from './pglite-prepared';

/** Times one query from when it is sent (a wait for a free connection included) to its answer. */
function timed<T>(run: () => Promise<T>): Promise<T> {
	const end = metrics.dbQueryDuration.startTimer();
	metrics.dbQueriesInFlight.inc();
	const settle = (outcome: 'ok' | 'error') => {
		metrics.dbQueriesInFlight.dec();
		end({ outcome });
	};
	const query = run();
	query.then(
		() => settle('ok'),
		() => settle('error')
	);
	return query;
}

/** Counts a transaction as open from its begin until it commits or rolls back. */
async function inTransaction<T>(run: () => Promise<T>): Promise<T> {
	metrics.dbTransactionsOpen.inc();
	try {
		return await run();
	} finally {
		metrics.dbTransactionsOpen.dec();
	}
}

type Callback = (...args: never[]) => unknown;
/** `begin(fn)`, `begin(options, fn)`, `savepoint(fn)`, `savepoint(name, fn)`: the callback is last. */
const withLastCallback = (args: unknown[], wrap: (fn: Callback) => Callback) =>
	args.map((a, i) => (i === args.length - 1 && typeof a === 'function' ? wrap(a as Callback) : a));

/**
 * Statements are kept prepared on their connection (postgres.js names and caches them by text),
 * so a page's queries are parsed once per connection instead of once per request, unless
 * DATABASE_PREPARED=0 (a pooler in transaction mode that cannot keep them, such as PgBouncer
 * before 1.21 or without max_prepared_statements). A statement
 * with a long parameter list, such as an `in (…)` over a selection, is sent unnamed: its text
 * varies with the selection's length and would fill every connection's cache with variants.
 */
const PREPARED_MAX_PARAMETERS = 32;
const keepPrepared = (params: unknown[] | undefined) => (params?.length ?? 0) <= PREPARED_MAX_PARAMETERS;

/**
 * drizzle sends every query through `unsafe` (on the pool, or on a transaction's connection).
 * postgres.js queries are lazy until awaited, and an `unsafe` can be a fragment of another query
 * that is never awaited on its own: the clock starts when drizzle awaits it, not before.
 */
function timeUnsafe(sql: Sql, prepared: boolean) {
	const unsafe = sql.unsafe;
	sql.unsafe = ((text: string, params?: unknown[], options?: { prepare?: boolean }) => {
		const query = unsafe(text, params as never, { ...options, prepare: prepared && keepPrepared(params) });
		const then = query.then;
		let started = false;
		query.then = ((...handlers: Parameters<typeof then>) => {
			if (!started) {
				started = true;
				void timed(() => then.call(query, (x) => x) as Promise<unknown>).catch(() => {});
			}
			return then.apply(query, handlers);
		}) as typeof then;
		return query;
	}) as Sql['unsafe'];
	return sql;
}

function timeTransactionScope(sql: Sql, prepared: boolean): Sql {
	timeUnsafe(sql, prepared);
	const savepoint = (sql as unknown as { savepoint?: Callback }).savepoint;
	if (savepoint)
		(sql as unknown as { savepoint: Callback }).savepoint = ((...args: unknown[]) =>
			savepoint(
				...(withLastCallback(args, (fn) => (inner: never) => fn(timeTransactionScope(inner, prepared) as never)) as never[])
			)) as Callback;
	return sql;
}

/** postgres.js: query durations, queries in flight, open transactions; the pool size is its `max`. */
export function instrumentPostgres(sql: Sql, prepared: boolean): Sql {
	metrics.dbPoolSize.set(sql.options.max);
	timeUnsafe(sql, prepared);
	const begin = sql.begin;
	sql.begin = ((...args: unknown[]) =>
		inTransaction(
			() =>
				(begin as Callback)(
					...(withLastCallback(args, (fn) => (tx: never) => fn(timeTransactionScope(tx, prepared) as never)) as never[])
				) as Promise<unknown>
		)) as never;
	return sql;
}

/** PGlite runs one statement at a time: its "pool" is one connection. Its statements are kept prepared too, unless DATABASE_PREPARED=0. */
export function instrumentPglite(client: PGlite, prepare = true): PGlite {
	metrics.dbPoolSize.set(1);
	const timeQueries = <C extends Pick<Transaction, 'query' | 'exec'>>(c: C) => {
		const query = c.query.bind(c);
		const exec = c.exec.bind(c);
		c.query = ((...args: Parameters<Transaction['query']>) => timed(() => query(...args))) as C['query'];
		c.exec = ((...args: Parameters<Transaction['exec']>) => timed(() => exec(...args))) as C['exec'];
		return c;
	};
	const prepared = prepare ? preparedStatements(client) : undefined;
	const install = <C extends Pick<Transaction, 'query'>>(target: C, inTransaction: boolean) =>
		prepared?.install(target, inTransaction) ?? target;
	timeQueries(install(client, false));
	const transaction = client.transaction.bind(client);
	client.transaction = (<T>(fn: (tx: Transaction) => Promise<T>) =>
		inTransaction(() => transaction((tx) => fn(timeQueries(install(tx, true)))))) as PGlite['transaction'];
	return client;
}
