import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { appUser, assignment, response, round, technology } from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { rowsOf } from '../../src/lib/server/db/client';
import { useTestDatabase } from '../helpers/db';

useTestDatabase();

describe('demo data', () => {
	it('seeds an empty database once, with a closed and an open round', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		expect(await seedDemoIfEmpty()).toBe(false);
		expect(await db().select().from(technology)).toHaveLength(12);
		const rounds = await db().select({ state: round.state }).from(round).orderBy(round.id);
		expect(rounds.map((r) => r.state)).toEqual(['closed', 'open']);
		const perTech = await db()
			.select({ n: sql<number>`count(*)`.mapWith(Number) })
			.from(assignment)
			.groupBy(assignment.roundId, assignment.technologyId);
		expect(perTech.every((r) => r.n >= 3 && r.n <= 5)).toBe(true);
	});

	it('leaves the demo member with unfinished assessments in the open round', async () => {
		const [mia] = await db().select().from(appUser).where(eq(appUser.email, 'member@example.com'));
		const [open] = await db().select().from(round).where(eq(round.state, 'open'));
		const assigned = await db()
			.select()
			.from(assignment)
			.where(and(eq(assignment.userId, mia.id), eq(assignment.roundId, open.id)));
		const submitted = await db()
			.select()
			.from(response)
			.where(and(eq(response.userId, mia.id), eq(response.roundId, open.id), eq(response.state, 'submitted')));
		expect(assigned.length).toBeGreaterThan(submitted.length);
		expect(submitted.length).toBeGreaterThan(0);
	});

	it("has real disagreement and some don't-knows among submitted answers", async () => {
		const spread = await db().execute(sql`
			select count(*) filter (where hi - lo >= 2) as disagreements, sum(dk) as dont_knows from (
				select max(a.score) as hi, min(a.score) as lo, count(*) filter (where a.dont_know) as dk
				from answer a join response r on r.id = a.response_id
				where r.state = 'submitted' group by r.round_id, r.technology_id, a.vector_key) s`);
		const [row] = rowsOf<{ disagreements: string | number; dont_knows: string | number }>(spread);
		expect(Number(row.disagreements)).toBeGreaterThanOrEqual(5);
		expect(Number(row.dont_knows)).toBeGreaterThan(0);
	});
});
