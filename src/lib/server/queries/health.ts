import { sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { rowsOf } from '#lib/server/db/client.ts';

/** True when the database answers within `timeoutMs` and holds the applied migrations and the framework. */
export async function databaseReady(timeoutMs = 1000): Promise<boolean> {
	const check = (async () => {
		const result = await db().execute(
			sql`select (select count(*) from drizzle.__drizzle_migrations) as migrations,
			           (select count(*) from framework_version) as frameworks`
		);
		const [row] = rowsOf<{ migrations: string | number; frameworks: string | number }>(result);
		return Number(row?.migrations) > 0 && Number(row?.frameworks) > 0;
	})();
	const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
	return Promise.race([check.catch(() => false), timeout]);
}
