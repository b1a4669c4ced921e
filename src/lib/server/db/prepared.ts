import { db } from './index';
import type { Database } from './client';

/**
 * A query built once per database handle, with `sql.placeholder`s for its values, and after that
 * only executed. Building a drizzle query costs more CPU than PostgreSQL spends answering a short
 * one, so the queries of every request (the session, the hot pages) are built this way.
 * Keyed by the handle so a test that installs another database gets queries bound to it.
 */
export function prepared<Q>(build: (database: Database) => Q): () => Q {
	const byDatabase = new WeakMap<Database, Q>();
	return () => {
		const database = db();
		let query = byDatabase.get(database);
		if (!query) byDatabase.set(database, (query = build(database)));
		return query;
	};
}
