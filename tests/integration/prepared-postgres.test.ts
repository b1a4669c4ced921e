import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { openDatabase, rowsOf } from '../../src/lib/server/db/client';

// On one connection, PostgreSQL lists the statements a client keeps prepared.
const url = process.env.TEST_DATABASE_URL;

describe.runIf(url)('statements kept prepared on PostgreSQL', () => {
	it.each([
		[true, 1],
		[false, 0]
	])('prepared=%s: the query is listed %i times after three runs', async (prepared, listed) => {
		const handle = await openDatabase({ kind: 'postgres', url: url!, max: 1, prepared });
		try {
			for (let i = 0; i < 3; i++) await handle.db.execute(sql`select ${i}::int + 40 as n`);
			const rows = rowsOf<{ n: number }>(
				await handle.db.execute(sql`select count(*)::int as n from pg_prepared_statements where statement like ${'%::int + 40 as n'}`)
			);
			expect(rows[0].n).toBe(listed);
		} finally {
			await handle.close();
		}
	});
});
