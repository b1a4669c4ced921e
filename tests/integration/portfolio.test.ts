import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { computeResults, refreshResults } from '../../src/lib/server/queries/results';
import { eq } from 'drizzle-orm';
import { db } from '../../src/lib/server/db';
import { appUser, technology } from '../../src/lib/server/db/schema';
import { getTechnology } from '../../src/lib/server/queries/technologies';
import { saveAnonymity } from '../../src/lib/server/queries/settings';
import * as dashboard from '../../src/routes/(app)/+page.server';
import * as compare from '../../src/routes/(app)/compare/+page.server';
import * as portfolio from '../../src/routes/(app)/portfolio/+page.server';
import * as radar from '../../src/routes/(app)/portfolio/radar/+page.server';
import * as radarCsv from '../../src/routes/(app)/portfolio/radar.csv/+server';
import * as radarJson from '../../src/routes/(app)/portfolio/radar.json/+server';
import { byorProblems } from '../helpers/byor';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';
import type { RoundStatus } from '../../src/lib/domain/round-choice';

useTestDatabase();
let viewer: SessionUser, lead: SessionUser;
const CLOSED = 1;
const OPEN = 2;

beforeAll(async () => {
	await seedDemoIfEmpty();
	viewer = await createUserRow('viewer');
	lead = await createUserRow('lead');
});

type CompareData = {
	series: { label: string; rating: number | null; medians: Record<string, number | null> }[];
	rows: { key: string; values: (number | null)[]; best: number[] }[];
	problem: string | null;
	selected: string[];
};

describe('compare', () => {
	it('compares six at most and says which were left out', async () => {
		const data = dataOf<CompareData & { selected: string[]; leftOut: string[] }>(
			await run(compare.load, fakeEvent({ user: viewer, url: '/compare?t=kafka,redis,postgresql,mongodb,docker,nats,jenkins' }))
		);
		expect(data.selected).toHaveLength(6);
		expect(data.leftOut).toEqual(['Jenkins']);
	});

	it('overlays technologies with the same numbers as their results', async () => {
		const data = dataOf<CompareData>(
			await run(compare.load, fakeEvent({ user: viewer, url: `/compare?t=kafka,rabbitmq&t=nats&round=${OPEN}` }))
		);
		expect(data.selected).toEqual(['kafka', 'rabbitmq', 'nats']);
		expect(data.series.map((s) => s.label)).toEqual(['Kafka', 'RabbitMQ', 'NATS']);
		const kafka = (await getTechnology('kafka'))!;
		const [result] = await computeResults({ roundId: OPEN, technologyId: kafka.id });
		expect(data.series[0].rating).toBe(result.rating!.rating);
		const recoverability = data.rows.find((r) => r.key === 'recoverability')!;
		expect(recoverability.values[0]).toBe(result.vectors.recoverability.median);
		const top = Math.max(...recoverability.values.filter((v): v is number => v !== null));
		expect(recoverability.best.map((i) => recoverability.values[i])).toEqual(recoverability.best.map(() => top));
	});

	it('one technology across rounds, oldest first', async () => {
		const data = dataOf<CompareData>(await run(compare.load, fakeEvent({ user: viewer, url: '/compare?mode=rounds&t=kafka' })));
		expect(data.problem).toBeNull();
		expect(data.series).toHaveLength(2);
		expect(data.series[0].label < data.series[1].label).toBe(true);
	});

	it('one technology by respondent team, holding back teams below the anonymity threshold', async () => {
		const load = async () =>
			dataOf<CompareData & { teamsWithheld: string | null }>(
				await run(compare.load, fakeEvent({ user: viewer, url: `/compare?mode=teams&t=kafka&round=${OPEN}` }))
			);
		const teams = (data: CompareData) => data.series.map((s) => s.label.replace(/ \(\d+\)$/, '')).sort();
		// Kafka belongs to Data Platform; one SRE engineer who uses it scores it too, fewer than the default 3.
		const held = await load();
		expect(teams(held)).toEqual(['Data Platform']);
		expect(held.teamsWithheld).toBe('1 team with fewer than 3 respondents is not shown, so that nobody in it can be told apart.');
		await saveAnonymity(lead.id, 0, { threshold: 1 });
		const all = await load();
		expect(teams(all)).toEqual(['Data Platform', 'Platform SRE']);
		expect(all.teamsWithheld).toBeNull();
		await saveAnonymity(lead.id, 1, { threshold: 3 });
	});

	it('asks for a second technology instead of failing', async () => {
		const data = dataOf<CompareData>(await run(compare.load, fakeEvent({ user: viewer, url: '/compare?t=kafka&t=<script>' })));
		expect(data.problem).toBe('Choose two to six technologies to compare.');
	});
});

describe('portfolio', () => {
	type PortfolioData = {
		rows: { slug: string; rating: number | null; medians: Record<string, number | null> }[];
		total: number;
		averages: { key: string; average: number | null }[];
		distribution: { current: number[]; previous: number[] };
	};

	it('shows every technology of the round, sortable by a vector', async () => {
		const data = dataOf<PortfolioData>(
			await run(portfolio.load, fakeEvent({ user: viewer, url: `/portfolio?round=${OPEN}&sort=recoverability&dir=desc` }))
		);
		expect(data.total).toBe(12);
		const values = data.rows.map((r) => r.medians.recoverability ?? -1);
		expect(values).toEqual([...values].sort((a, b) => b - a));
		expect(data.distribution.current.reduce((a, b) => a + b, 0)).toBe(12);
		expect(data.distribution.previous.reduce((a, b) => a + b, 0)).toBe(11);
		const averages = data.averages.map((a) => a.average!);
		expect(averages).toEqual([...averages].sort((a, b) => a - b));
	});

	it('opens on each technology’s latest closed rating; an open round is shown when chosen, labelled provisional with its coverage', async () => {
		const byDefault = dataOf<{ round: RoundStatus | null; rows: { source: { roundId: number } }[] }>(
			await run(portfolio.load, fakeEvent({ user: viewer, url: '/portfolio' }))
		);
		// No single round: in the demo every technology's latest closed rating is the closed quarter's.
		expect(byDefault.round).toBeNull();
		expect(byDefault.rows.map((r) => r.source.roundId)).toEqual(byDefault.rows.map(() => CLOSED));
		const chosen = dataOf<{ round: RoundStatus }>(await run(portfolio.load, fakeEvent({ user: viewer, url: `/portfolio?round=${OPEN}` })));
		const rated = (await computeResults({ roundId: OPEN })).filter((r) => r.rating).length;
		expect(chosen.round).toMatchObject({ id: OPEN, provisional: true, coverage: { technologies: 12, rated } });
		expect(chosen.round.coverage.submitted).toBeLessThan(chosen.round.coverage.assigned);
	});

	it('filters by level', async () => {
		const data = dataOf<PortfolioData>(await run(portfolio.load, fakeEvent({ user: viewer, url: `/portfolio?round=${OPEN}&level=3` })));
		expect(data.rows.length).toBeGreaterThan(0);
		expect(data.rows.every((r) => Math.floor(r.rating!) === 3)).toBe(true);
	});
});

describe('dashboard', () => {
	it('summarises each technology’s latest closed rating (in the demo, all from the closed quarter)', async () => {
		const data = dataOf<{ portfolio: { rated: number; average: number; distribution: number[]; sources: { roundId: number }[] } }>(
			await run(dashboard.load, fakeEvent({ user: viewer }))
		);
		const rated = (await computeResults({ roundId: CLOSED })).filter((r) => r.rating);
		expect(data.portfolio).toMatchObject({ rated: rated.length, sources: [{ roundId: CLOSED, technologies: rated.length }] });
		expect(data.portfolio.distribution.reduce((a, b) => a + b, 0)).toBe(rated.length);
		const average = rated.reduce((n, r) => n + r.rating!.rating, 0) / rated.length;
		expect(data.portfolio.average).toBeCloseTo(average, 1);
	});
});

describe('my assessments on the dashboard', () => {
	type Dashboard = {
		myRounds: {
			roundId: number;
			total: number;
			submitted: number;
			inProgress: number;
			page: number;
			pages: number;
			todo: { slug: string; state: string }[];
		}[];
		next: { roundId: number; slug: string } | null;
	};

	it('groups them by round with counts, drafts first; Continue opens the first unfinished one', async () => {
		const [row] = await db().select().from(appUser).where(eq(appUser.email, 'member@example.com'));
		const member = { id: row.id, email: row.email, name: row.name, role: row.role, teamIds: [] };
		const data = dataOf<Dashboard>(await run(dashboard.load, fakeEvent({ user: member })));
		expect(data.myRounds.map((r) => r.roundId)).toEqual([OPEN]);
		const [r] = data.myRounds;
		expect(r.inProgress).toBe(2);
		expect(r.submitted).toBe(2);
		expect(r.todo.slice(0, 2).map((a) => [a.slug, a.state])).toEqual([
			['kafka', 'draft'],
			['redis', 'draft']
		]);
		expect(r.todo.every((a) => a.state !== 'submitted')).toBe(true);
		expect(data.next).toEqual({ roundId: OPEN, slug: 'kafka', technology: 'Kafka' });
	});

	it('pages a long list, ten at a time', async () => {
		const person = await createUserRow('member');
		const techs = await db().select({ id: technology.id }).from(technology);
		const big = await createRoundRow(
			'open',
			techs.map((t) => ({ technologyId: t.id, userIds: [person.id] })),
			'Everything'
		);
		const second = dataOf<Dashboard>(await run(dashboard.load, fakeEvent({ user: person, url: `/?round=${big.id}&page=2` })));
		expect(second.myRounds[0]).toMatchObject({ total: techs.length, page: 2, pages: Math.ceil(techs.length / 10) });
		expect(second.myRounds[0].todo).toHaveLength(techs.length - 10);
		const hostile = await run(dashboard.load, fakeEvent({ user: person, url: '/?round=99999999999&page=-1' }));
		expect(dataOf<Dashboard>(hostile).myRounds[0].page).toBe(1);
		const beyond = dataOf<Dashboard>(await run(dashboard.load, fakeEvent({ user: person, url: `/?round=${big.id}&page=40` })));
		expect(beyond.myRounds[0]).toMatchObject({ page: 2 });
		expect(beyond.myRounds[0].todo).toHaveLength(techs.length - 10);
	});
});

describe('tech radar', () => {
	it('exports one Build Your Own Radar row per rated technology', async () => {
		const res = await radarCsv.GET(fakeEvent({ user: viewer, url: `/portfolio/radar.csv?round=${OPEN}` }));
		const rows = Papa.parse<Record<string, string>>(await res.text(), { header: true, skipEmptyLines: true });
		expect(rows.meta.fields).toEqual(['name', 'ring', 'quadrant', 'isNew', 'description', 'status']);
		expect(rows.data).toHaveLength(12);
		const nats = rows.data.find((r) => r.name === 'NATS')!;
		expect(nats).toMatchObject({ isNew: 'TRUE', status: 'New', quadrant: 'Techniques' });
		expect(nats.description).toMatch(/^Data and messaging · rating \d\.\d \(level \d\): /);
		expect(byorProblems(rows.meta.fields!, rows.data)).toEqual([]);
		const asJson = (await (await radarJson.GET(fakeEvent({ user: viewer, url: `/portfolio/radar.json?round=${OPEN}` }))).json()) as Record<
			string,
			string
		>[];
		expect(byorProblems(Object.keys(asJson[0]), asJson)).toEqual([]);
		expect(asJson.map((r) => r.name).sort()).toEqual(rows.data.map((r) => r.name).sort());
	});

	it('says how categories map to quadrants and names those without a quadrant of their own', async () => {
		await createTechnologyRow('Vault');
		const data = dataOf<{ unmapped: string[]; categories: string[] }>(
			await run(radar.load, fakeEvent({ user: viewer, url: '/portfolio/radar' }))
		);
		expect(data.categories).toContain('testing');
		expect(data.unmapped).toEqual(['testing']);
	});

	it("measures movement against each technology's own previous rated round, not the round just before", async () => {
		const [kafka, postgres] = [(await getTechnology('kafka'))!, (await getTechnology('postgresql'))!];
		// A closed round that rated Kafka only, then a round with both.
		const kafkaOnly = await createRoundRow('closed', [{ technologyId: kafka.id, userIds: [lead.id] }], 'Kafka only');
		await submitResponseRow(kafkaOnly.id, kafka.id, lead.id, () => 1);
		const next = await createRoundRow(
			'open',
			[kafka, postgres].map((t) => ({ technologyId: t.id, userIds: [lead.id] })),
			'Both'
		);
		for (const t of [kafka, postgres]) await submitResponseRow(next.id, t.id, lead.id, () => 5);
		await db().transaction(async (tx) => {
			await refreshResults(tx, { roundId: kafkaOnly.id });
			await refreshResults(tx, { roundId: next.id });
		});
		const res = await radarCsv.GET(fakeEvent({ user: viewer, url: `/portfolio/radar.csv?round=${next.id}` }));
		const rows = Papa.parse<Record<string, string>>(await res.text(), { header: true, skipEmptyLines: true }).data;
		// PostgreSQL was rated in the demo's closed round, so it is not new; Kafka moved in from Hold.
		expect(rows.find((r) => r.name === 'PostgreSQL')).toMatchObject({ isNew: 'FALSE' });
		expect(rows.find((r) => r.name === 'Kafka')).toMatchObject({ isNew: 'FALSE', status: 'Moved In', ring: 'Adopt' });
	});

	it('a lead remaps a category and the radar follows; others cannot', async () => {
		const form: Record<string, string> = {
			version: '0',
			'quadrant.0': 'Data',
			'quadrant.1': 'Platforms',
			'quadrant.2': 'Tooling',
			'quadrant.3': 'Other',
			'category.messaging': '3'
		};
		['Hold', 'Hold', 'Assess', 'Trial', 'Adopt', 'Adopt'].forEach((r, i) => (form[`ring.${i}`] = r));
		expect(await run(radar.actions.config, fakeEvent({ user: viewer, form }))).toMatchObject({ kind: 'error', status: 403 });
		expect(dataOf(await run(radar.actions.config, fakeEvent({ user: lead, form })))).toEqual({ saved: true });
		expect(await run(radar.actions.config, fakeEvent({ user: lead, form }))).toMatchObject({ kind: 'failure', status: 409 });
		const data = dataOf<{ blips: { name: string; quadrant: number }[] }>(
			await run(radar.load, fakeEvent({ user: viewer, url: `/portfolio/radar?round=${OPEN}` }))
		);
		expect(data.blips.find((b) => b.name === 'Kafka')!.quadrant).toBe(3);
	});
});
