import { eq } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import { appUser, assignment, mailMessage, round, roundTechnology, technology } from '../../src/lib/server/db/schema';
import { refreshResults } from '../../src/lib/server/queries/results';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as roundPage from '../../src/routes/(app)/rounds/[id=id]/+page.server';
import * as catalog from '../../src/routes/(app)/technologies/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTeamRow, createUserRow, submitResponseRow } from '../helpers/factories';

// Scoping a round by whole groups, the catalog's paging, sorting and latest ratings, and opening a round that asks first.

useTestDatabase();

let lead: SessionUser, sre: { id: number }, data: { id: number };
let sreMembers: SessionUser[];

async function addTech(name: string, category: string, teamId: number | null, lifecycle: 'production' | 'retired' = 'production') {
	const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
	const [row] = await db().insert(technology).values({ slug, name, category, teamId, lifecycle }).returning();
	return row;
}

beforeAll(async () => {
	sre = await createTeamRow('SRE');
	data = await createTeamRow('Data');
	lead = await createUserRow('lead');
	sreMembers = [await createUserRow('member', { teamIds: [sre.id] }), await createUserRow('lead', { teamIds: [sre.id] })];
	const quiet = await createUserRow('member', { teamIds: [sre.id] });
	await db()
		.update(appUser)
		.set({ mailOptOut: ['round_opened'] })
		.where(eq(appUser.id, quiet.id));
	sreMembers.push(quiet);
	await createUserRow('member', { teamIds: [data.id] });
	for (const [name, category, teamId] of [
		['Kubernetes', 'orchestration', sre.id],
		['Prometheus', 'observability', sre.id],
		['Grafana', 'observability', sre.id],
		['PostgreSQL', 'database', data.id],
		['Kafka', 'messaging', data.id],
		['Loki', 'observability', null]
	] as const)
		await addTech(name, category, teamId);
	await addTech('Nagios', 'observability', sre.id, 'retired');
});

afterEach(() => {
	delete env.SMTP_URL;
});

const act = (name: keyof typeof roundPage.actions, id: number, form: Record<string, string | string[]> = {}, user = lead) =>
	run(roundPage.actions[name], fakeEvent({ user, params: { id: String(id) }, form }));
const scopeNames = async (roundId: number) =>
	(
		await db()
			.select({ name: technology.name })
			.from(roundTechnology)
			.innerJoin(technology, eq(technology.id, roundTechnology.technologyId))
			.where(eq(roundTechnology.roundId, roundId))
	)
		.map((r) => r.name)
		.sort();

describe('scoping a round by whole groups', () => {
	it('the page offers each addable technology with its team and category, retired ones left out', async () => {
		const r = await createRoundRow('draft', []);
		type Outside = { outside: { name: string; teamName: string | null; category: string }[] };
		const { outside } = dataOf<Outside>(await run(roundPage.load, fakeEvent({ user: lead, params: { id: String(r.id) } })));
		expect(outside.map((t) => t.name)).toEqual(['Grafana', 'Kafka', 'Kubernetes', 'Loki', 'PostgreSQL', 'Prometheus']);
		expect(outside.find((t) => t.name === 'Grafana')).toMatchObject({ teamName: 'SRE', category: 'observability' });
	});

	it("selecting a team adds exactly that team's technologies, with its people asked", async () => {
		const r = await createRoundRow('draft', []);
		expect(dataOf(await act('addTechnologies', r.id, { team: String(sre.id) }))).toEqual({ done: true });
		expect(await scopeNames(r.id)).toEqual(['Grafana', 'Kubernetes', 'Prometheus']);
		const asked = await db().selectDistinct({ userId: assignment.userId }).from(assignment).where(eq(assignment.roundId, r.id));
		expect(asked.map((a) => a.userId).sort()).toEqual(sreMembers.map((m) => m.id).sort());
	});

	it('a category, everything, and ticked boxes together with a group', async () => {
		const byCategory = await createRoundRow('draft', []);
		expect(dataOf(await act('addTechnologies', byCategory.id, { category: 'observability' }))).toEqual({ done: true });
		expect(await scopeNames(byCategory.id)).toEqual(['Grafana', 'Loki', 'Prometheus']);
		const [kafka] = await db().select().from(technology).where(eq(technology.name, 'Kafka'));
		expect(dataOf(await act('addTechnologies', byCategory.id, { category: 'database', technologyIds: String(kafka.id) }))).toEqual({
			done: true
		});
		expect(await scopeNames(byCategory.id)).toEqual(['Grafana', 'Kafka', 'Loki', 'PostgreSQL', 'Prometheus']);
		const everything = await createRoundRow('draft', []);
		expect(dataOf(await act('addTechnologies', everything.id, { all: '1' }))).toEqual({ done: true });
		expect(await scopeNames(everything.id)).toHaveLength(6);
	});

	it('refuses a hostile or empty choice with a message, and adds nothing', async () => {
		const r = await createRoundRow('draft', []);
		const forms: Record<string, string>[] = [{ team: '1e3' }, { team: '99999999999' }, { category: 'data\u0000base' }, { all: 'yes' }, {}];
		for (const form of forms) expect(await act('addTechnologies', r.id, form)).toMatchObject({ kind: 'failure', status: 400 });
		expect(await scopeNames(r.id)).toEqual([]);
		expect(await act('addTechnologies', r.id, { team: String(sre.id) }, sreMembers[0])).toMatchObject({ kind: 'error', status: 403 });
	});
});

describe('opening a round asks first and says what was sent', () => {
	async function draftWithSre() {
		const r = await createRoundRow('draft', []);
		await act('addTechnologies', r.id, { team: String(sre.id) });
		return r;
	}
	const state = async (id: number) => (await db().select({ state: round.state }).from(round).where(eq(round.id, id)))[0].state;
	const mail = (id: number) => db().select().from(mailMessage).where(eq(mailMessage.roundId, id));

	it('without confirm=1 it opens nothing and reports how many people would be emailed', async () => {
		const r = await draftWithSre();
		expect(dataOf(await act('open', r.id))).toEqual({ confirmOpen: { toEmail: 2, optedOut: 1, held: true } });
		expect(dataOf(await act('open', r.id, { confirm: 'yes' }))).toMatchObject({ confirmOpen: { toEmail: 2 } });
		expect(await state(r.id)).toBe('draft');
		expect(await mail(r.id)).toEqual([]);
	});

	it('with confirm=1 it opens, and names how many were emailed and how many opted out', async () => {
		env.SMTP_URL = 'smtp://127.0.0.1:1';
		const r = await draftWithSre();
		expect(dataOf(await act('open', r.id, { confirm: '1' }))).toEqual({ opened: { emailed: 2, held: 0, optedOut: 1 } });
		expect(await state(r.id)).toBe('open');
		expect((await mail(r.id)).map((m) => m.status)).toEqual(['queued', 'queued']);
		expect(await act('open', r.id, { confirm: '1' })).toMatchObject({ kind: 'failure', status: 409 });
	});

	it('without a mail server, it says the messages wait in the outbox', async () => {
		const r = await draftWithSre();
		expect(dataOf(await act('open', r.id, { confirm: '1' }))).toEqual({ opened: { emailed: 0, held: 2, optedOut: 1 } });
	});

	it('an empty round is refused before anyone is asked', async () => {
		const r = await createRoundRow('draft', []);
		expect(await act('open', r.id)).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: 'Add at least one technology before opening the round.' } }
		});
	});
});

describe('the technology catalog', () => {
	type Row = { name: string; rating: number | null; level: number | null; roundName: string | null };
	type Catalog = { technologies: Row[]; total: number; page: number; pages: number; filter: { sort: string; dir: string } };
	const list = async (query: string) => dataOf<Catalog>(await run(catalog.load, fakeEvent({ user: lead, url: `/technologies?${query}` })));

	beforeAll(async () => {
		await db()
			.insert(technology)
			.values(
				Array.from({ length: 55 }, (_, i) => {
					const n = String(i + 1).padStart(2, '0');
					return { slug: `bulk-${n}`, name: `Bulk ${n}`, category: 'bulk', teamId: i % 2 ? sre.id : null };
				})
			);
	});

	it('pages fifty at a time; a page past the end is the last, nonsense the first', async () => {
		const first = await list('category=bulk');
		expect(first).toMatchObject({ total: 55, page: 1, pages: 2 });
		expect(first.technologies).toHaveLength(50);
		expect(first.technologies[0].name).toBe('Bulk 01');
		const second = await list('category=bulk&page=2');
		expect(second.technologies.map((t) => t.name)).toEqual(['Bulk 51', 'Bulk 52', 'Bulk 53', 'Bulk 54', 'Bulk 55']);
		for (const page of ['99', '99999999999999999999'])
			expect(await list(`category=bulk&page=${page}`)).toMatchObject({ page: 2, technologies: second.technologies });
		for (const page of ['0', '-3', 'abc', '1.5', '%00']) expect((await list(`category=bulk&page=${page}`)).page).toBe(1);
	});

	it('sorts by name, team and lifecycle in either direction; a bad sort is the default', async () => {
		expect((await list('category=bulk&sort=name&dir=desc')).technologies[0].name).toBe('Bulk 55');
		const byTeam = (await list('category=bulk&sort=team&dir=desc')).technologies;
		// Technologies without a team come last, whichever the direction.
		expect(byTeam.slice(0, 27).every((t, i) => t.name === `Bulk ${String(2 * i + 2).padStart(2, '0')}`)).toBe(true);
		const odd = await list('category=bulk&sort=%3Bdrop&dir=sideways');
		expect(odd.filter).toMatchObject({ sort: 'name', dir: 'asc' });
		expect(odd.technologies[0].name).toBe('Bulk 01');
		// Lifecycles sort in their own order (evaluating … retired), not alphabetically.
		const lifecycles = (await list('category=observability&sort=lifecycle&dir=desc')).technologies;
		expect(lifecycles.map((t) => t.name)).toEqual(['Nagios', 'Grafana', 'Loki', 'Prometheus']);
	});

	it("shows each technology's rating from the newest closed round that rated it, sorted with the unrated last", async () => {
		const [a, b, c] = await Promise.all(['Rated A', 'Rated B', 'Rated C'].map((n) => addTech(n, 'rated', sre.id)));
		const scorer = sreMembers[0].id;
		const older = await createRoundRow(
			'closed',
			[a, b].map((t) => ({ technologyId: t.id, userIds: [scorer] })),
			'Older'
		);
		await submitResponseRow(older.id, a.id, scorer, () => 1);
		await submitResponseRow(older.id, b.id, scorer, () => 2);
		// The newer round rates A again and skips B (asked, never answered): B keeps its older rating.
		const newer = await createRoundRow(
			'closed',
			[a, b].map((t) => ({ technologyId: t.id, userIds: [scorer] })),
			'Newer'
		);
		await submitResponseRow(newer.id, a.id, scorer, () => 4);
		// An open round's figures are not a rating yet.
		const open = await createRoundRow('open', [{ technologyId: c.id, userIds: [scorer] }], 'Running');
		await submitResponseRow(open.id, c.id, scorer, () => 5);
		for (const r of [older, newer, open]) await db().transaction((tx) => refreshResults(tx, { roundId: r.id }));

		const asc = (await list('category=rated&sort=rating')).technologies;
		expect(asc.map((t) => [t.name, t.rating, t.level, t.roundName])).toEqual([
			['Rated B', 2, 2, 'Older'],
			['Rated A', 4, 4, 'Newer'],
			['Rated C', null, null, null]
		]);
		const desc = (await list('category=rated&sort=rating&dir=desc')).technologies;
		expect(desc.map((t) => t.name)).toEqual(['Rated A', 'Rated B', 'Rated C']);
	});
});
