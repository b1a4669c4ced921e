import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { db } from '../../src/lib/server/db';
import { round } from '../../src/lib/server/db/schema';
import { chooseResultsRound } from '../../src/lib/domain/round-choice';
import type { RatingSource } from '../../src/lib/domain/rating-source';
import { computeResults, refreshResults } from '../../src/lib/server/queries/results';
import { latestClosedResults } from '../../src/lib/server/queries/stored-results';
import { listRounds } from '../../src/lib/server/queries/rounds';
import { saveAnonymity } from '../../src/lib/server/queries/settings';
import * as dashboard from '../../src/routes/(app)/+page.server';
import * as compare from '../../src/routes/(app)/compare/+page.server';
import * as portfolio from '../../src/routes/(app)/portfolio/+page.server';
import * as radar from '../../src/routes/(app)/portfolio/radar/+page.server';
import * as techPage from '../../src/routes/(app)/technologies/[slug]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

useTestDatabase();
const DAY = 86_400_000;
const THIN = 'from 1 respondent, below the anonymity threshold of 3';
let viewer: SessionUser;
let a: { id: number }, b: { id: number }, c: { id: number };

/** Puts a round back in time: created `createdDaysAgo`, closed `closedDaysAgo` (null: not closed). */
async function backdate(roundId: number, createdDaysAgo: number, closedDaysAgo: number | null) {
	const now = Date.now();
	await db()
		.update(round)
		.set({ createdAt: new Date(now - createdDaysAgo * DAY), closedAt: closedDaysAgo === null ? null : new Date(now - closedDaysAgo * DAY) })
		.where(eq(round.id, roundId));
}

beforeAll(async () => {
	viewer = await createUserRow('viewer');
	const people = [
		await createUserRow('member'),
		await createUserRow('member'),
		await createUserRow('member'),
		await createUserRow('member')
	];
	const three = people.slice(0, 3).map((p) => p.id);
	const [x, y, z] = [await createTechnologyRow('Xenon'), await createTechnologyRow('Yttrium'), await createTechnologyRow('Zinc')];
	// Round A: the whole estate, three people each.
	a = await createRoundRow(
		'closed',
		[x, y, z].map((t) => ({ technologyId: t.id, userIds: three })),
		'Round A'
	);
	for (const [t, score] of [
		[x, 3],
		[y, 2],
		[z, 4]
	] as const)
		for (const p of three) await submitResponseRow(a.id, t.id, p, () => score);
	// Round B, closed since: only Xenon, four asked and one answered.
	b = await createRoundRow('closed', [{ technologyId: x.id, userIds: people.map((p) => p.id) }], 'Round B');
	await submitResponseRow(b.id, x.id, people[0].id, () => 1);
	// Round C, still open: Zinc rated, provisional, so it stands for nothing yet.
	c = await createRoundRow('open', [{ technologyId: z.id, userIds: three }], 'Round C');
	for (const p of three) await submitResponseRow(c.id, z.id, p, () => 5);
	await backdate(a.id, 240, 135);
	await backdate(b.id, 60, 21);
	await backdate(c.id, 5, null);
	await db().transaction(async (tx) => {
		for (const r of [a, b, c]) await refreshResults(tx, { roundId: r.id });
	});
});

type Row = { slug: string; rating: number | null; source: RatingSource };
const bySlug = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.slug, r]));
const A_LABEL = 'Round A · 4 months ago';
const B_LABEL = 'Round B · 3 weeks ago';

describe('portfolio views default to each technology’s latest closed rating', () => {
	it('the dashboard counts every technology with its latest closed rating and names the rounds', async () => {
		const data = dataOf<{ portfolio: Record<string, unknown> }>(await run(dashboard.load, fakeEvent({ user: viewer })));
		expect(data.portfolio).toMatchObject({
			rated: 3,
			average: 2.3,
			sources: [
				{ roundId: b.id, label: B_LABEL, technologies: 1 },
				{ roundId: a.id, label: A_LABEL, technologies: 2 }
			],
			thin: 1,
			threshold: 3
		});
	});

	it('the portfolio heatmap marks each row with its round, its age and a rating too thin to stand for a team', async () => {
		const data = dataOf<{ round: unknown; rows: Row[]; total: number; distribution: { current: number[]; previous: number[] } }>(
			await run(portfolio.load, fakeEvent({ user: viewer, url: '/portfolio' }))
		);
		expect(data.round).toBeNull();
		expect(data.total).toBe(3);
		const rows = bySlug(data.rows);
		expect(rows.xenon).toMatchObject({ rating: 1, source: { roundId: b.id, label: B_LABEL, respondents: 1, thin: THIN } });
		expect(rows.yttrium).toMatchObject({ rating: 2, source: { roundId: a.id, label: A_LABEL, thin: null } });
		expect(rows.zinc).toMatchObject({ rating: 4, source: { roundId: a.id, label: A_LABEL, thin: null } });
		// Only Xenon has a closed rating before its latest one: level 3, in round A.
		expect(data.distribution.current).toEqual([0, 1, 1, 0, 1, 0]);
		expect(data.distribution.previous).toEqual([0, 0, 0, 1, 0, 0]);
	});

	it('one round can still be chosen, and then shows only what it rated', async () => {
		const data = dataOf<{ round: { id: number }; rows: Row[] }>(
			await run(portfolio.load, fakeEvent({ user: viewer, url: `/portfolio?round=${b.id}` }))
		);
		expect(data.round.id).toBe(b.id);
		expect(data.rows.map((r) => [r.slug, r.rating, r.source.label])).toEqual([['xenon', 1, B_LABEL]]);
		const open = dataOf<{ rows: Row[] }>(await run(portfolio.load, fakeEvent({ user: viewer, url: `/portfolio?round=${c.id}` })));
		expect(open.rows.map((r) => [r.slug, r.rating, r.source.label])).toEqual([['zinc', 5, 'Round C · still open']]);
	});

	it('the technology page shows its latest closed rating with its round, its age and the threshold', async () => {
		const page = async (slug: string) =>
			dataOf<{ selected: { id: number; source: RatingSource } }>(
				await run(techPage.load, fakeEvent({ user: viewer, params: { slug }, url: `/technologies/${slug}` }))
			).selected;
		expect(await page('xenon')).toMatchObject({ id: b.id, source: { label: B_LABEL, thin: THIN } });
		expect(await page('yttrium')).toMatchObject({ id: a.id, source: { label: A_LABEL, thin: null } });
		expect(await page('zinc')).toMatchObject({ id: a.id, source: { label: A_LABEL, thin: null } });
	});

	it('the tech radar, its download and compare take the same ratings', async () => {
		const pic = dataOf<{
			round: unknown;
			blips: { slug: string; level: number; movement: string }[];
			byor: { name: string; description: string }[];
		}>(await run(radar.load, fakeEvent({ user: viewer, url: '/portfolio/radar' })));
		expect(pic.round).toBeNull();
		expect(pic.blips.map((bl) => [bl.slug, bl.level]).sort()).toEqual([
			['xenon', 1],
			['yttrium', 2],
			['zinc', 4]
		]);
		expect(pic.byor.find((r) => r.name === 'Xenon')!.description).toContain('(level 1, rated in Round B)');
		const chosen = dataOf<{ blips: { slug: string }[] }>(
			await run(radar.load, fakeEvent({ user: viewer, url: `/portfolio/radar?round=${b.id}` }))
		);
		expect(chosen.blips.map((bl) => bl.slug)).toEqual(['xenon']);

		const cmp = dataOf<{ round: unknown; series: { label: string; rating: number | null; source: RatingSource | null }[] }>(
			await run(compare.load, fakeEvent({ user: viewer, url: '/compare?t=xenon&t=yttrium&t=zinc' }))
		);
		expect(cmp.round).toBeNull();
		expect(cmp.series.map((s) => [s.label, s.rating, s.source?.label])).toEqual([
			['Xenon', 1, B_LABEL],
			['Yttrium', 2, A_LABEL],
			['Zinc', 4, A_LABEL]
		]);
		const inB = dataOf<{ series: { rating: number | null }[] }>(
			await run(compare.load, fakeEvent({ user: viewer, url: `/compare?t=xenon&t=yttrium&round=${b.id}` }))
		);
		expect(inB.series.map((s) => s.rating)).toEqual([1, null]);
	});
});

describe('the anonymity threshold as set', () => {
	it('marks ratings against the threshold an admin chose', async () => {
		const admin = await createUserRow('admin');
		expect(await saveAnonymity(admin.id, 0, { threshold: 1 })).toBe('saved');
		const home = dataOf<{ portfolio: { thin: number; threshold: number } }>(await run(dashboard.load, fakeEvent({ user: viewer })));
		expect(home.portfolio).toMatchObject({ thin: 0, threshold: 1 });
		expect(await saveAnonymity(admin.id, 1, { threshold: 4 })).toBe('saved');
		const data = dataOf<{ rows: Row[] }>(await run(portfolio.load, fakeEvent({ user: viewer, url: '/portfolio' })));
		expect(data.rows.map((r) => r.source.thin)).toEqual([
			'from 1 respondent, below the anonymity threshold of 4',
			'from 3 respondents, below the anonymity threshold of 4',
			'from 3 respondents, below the anonymity threshold of 4'
		]);
		expect(await saveAnonymity(admin.id, 2, { threshold: 3 })).toBe('saved');
	});
});

describe('the statement behind it', () => {
	it('picks, per technology, the round chooseResultsRound picks for that technology alone', async () => {
		const [rounds, results, { latest }] = await Promise.all([listRounds(), computeResults({}), latestClosedResults()]);
		const technologies = [...new Set(results.map((r) => r.technologyId))];
		expect(technologies).toHaveLength(3);
		for (const t of technologies) {
			const own = rounds
				.filter((r) => results.some((x) => x.roundId === r.id && x.technologyId === t))
				.map((r) => ({ ...r, rated: results.find((x) => x.roundId === r.id && x.technologyId === t)!.rating ? 1 : 0 }));
			expect(latest.get(t)?.round.id).toBe(chooseResultsRound(own).round?.id);
			expect(latest.get(t)?.rating).toEqual(results.find((x) => x.roundId === latest.get(t)?.round.id && x.technologyId === t)?.rating);
		}
	});

	it('reads a thousand technologies in one statement', async () => {
		await db().execute(sql`
			with t as (
				insert into technology (slug, name, category) select 'bulk-' || g, 'Bulk ' || g, 'testing' from generate_series(1, 1000) g returning id
			)
			insert into round_result (round_id, technology_id, result, updated_at)
			select ${a.id}, t.id, jsonb_build_object('roundId', ${a.id}::int, 'technologyId', t.id, 'rating',
				jsonb_build_object('rating', 3, 'level', 3), 'submitted', 3, 'assigned', 3, 'vectors', '{}'::jsonb), now() from t
`);
		const started = performance.now();
		const { latest } = await latestClosedResults();
		expect(latest.size).toBe(1003);
		// Generous for a shared 2-core machine: what matters is one statement, not one per technology.
		expect(performance.now() - started).toBeLessThan(2_000);
	});
});
