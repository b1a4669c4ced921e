import { db } from './index';
import type { Database } from './client';

/**
 * One value per database handle, made on first use: the current database's prepared queries and
 * in-memory caches. Keyed by the handle so a test that installs another database starts afresh.
 */
export function perDatabase<T>(make: (database: Database) => T): () => T {
	const byDatabase = new WeakMap<Database, T>();
	return () => {
		const database = db();
		let value = byDatabase.get(database);
		if (!value) byDatabase.set(database, (value = make(database)));
		return value;
	};
}

/**
 * A query built once per database, with `sql.placeholder`s for its values, and after that only
 * executed. Building a drizzle query costs more CPU than PostgreSQL spends answering a short
 * one, so the queries of every request (the session, the hot pages) are built this way.
 */
export const prepared = perDatabase;
