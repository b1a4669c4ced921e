import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { auditLog, initiative, round, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { refreshResults } from '../../src/lib/server/queries/results';
import { deleteTeam } from '../../src/lib/server/queries/teams';
import { roundReport } from '../../src/lib/server/views/report';
import * as files from '../../src/routes/(app)/rounds/[id=id]/report/[file]/+server';
import * as dashboard from '../../src/routes/(app)/+page.server';
import * as list from '../../src/routes/(app)/initiatives/+page.server';
import * as detail from '../../src/routes/(app)/initiatives/[id=id]/+page.server';
import * as techPage from '../../src/routes/(app)/technologies/[slug]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

useTestDatabase();
let lead: SessionUser, viewer: SessionUser, sreTeam: number;

type View = {
	id: number;
	name: string;
	goal: string;
	version: number;
	progress: { total: number; met: number; unmeasured: number; status: string };
	technologies: { slug: string; reached: number | null; met: boolean }[];
};

beforeAll(async () => {
	lead = await createUserRow('lead');
	viewer = await createUserRow('viewer');
	const people = [await createUserRow('member'), await createUserRow('member'), await createUserRow('member')];
	sreTeam = (await createTeamRow('SRE')).id;
	const dataTeam = (await createTeamRow('Data')).id;
	const postgres = await createTechnologyRow('Postgres', sreTeam);
	const mysql = await createTechnologyRow('MySQL', dataTeam);
	const redis = await createTechnologyRow('Redis', sreTeam);
	const oracle = await createTechnologyRow('Oracle', dataTeam);
	await createTechnologyRow('Cassandra', dataTeam); // never rated
	await db().update(technology).set({ category: 'database' }).where(eq(technology.category, 'testing'));
	await db().update(technology).set({ category: 'cache' }).where(eq(technology.id, redis.id));
	await db().update(technology).set({ lifecycle: 'retired' }).where(eq(technology.id, oracle.id));
	const scope = [postgres, mysql, redis, oracle].map((t) => ({ technologyId: t.id, userIds: people.map((p) => p.id) }));
	const q1 = await createRoundRow('closed', scope, 'Q1');
	// Recoverability: Postgres 3, MySQL 2 (median of 1, 2, 3), Redis 4, Oracle 0; every other vector 3.
	const recoverability: Record<number, number[]> = {
		[postgres.id]: [3, 3, 3],
		[mysql.id]: [1, 2, 3],
		[redis.id]: [4, 4, 4],
		[oracle.id]: [0, 0, 0]
	};
	for (const s of scope)
		for (const [i, p] of people.entries())
			await submitResponseRow(q1.id, s.technologyId, p.id, (key) => (key === 'recoverability' ? recoverability[s.technologyId][i] : 3));
	await db().transaction((tx) => refreshResults(tx, { roundId: q1.id }));
});

const form = (change: Record<string, string> = {}) => ({
	name: 'Databases recover',
	vectorKey: 'recoverability',
	targetLevel: '3',
	dueOn: '2099-06-30',
	category: 'database',
	teamId: '',
	...change
});
const create = async (change: Record<string, string> = {}, user = lead) =>
	run(list.actions.create, fakeEvent({ user, form: form(change) }));
const listed = async () => dataOf<{ initiatives: View[] }>(await run(list.load, fakeEvent({ user: viewer }))).initiatives;
const one = async (id: number) =>
	dataOf<{ initiative: View }>(await run(detail.load, fakeEvent({ user: viewer, params: { id: String(id) } }))).initiative;

describe('initiatives', () => {
	let id: number;

	it('a lead sets a goal for every database; progress counts the technologies in the set from their newest closed round', async () => {
		const created = await create();
		expect(created).toMatchObject({ kind: 'redirect', status: 303 });
		id = Number((created as { location: string }).location.split('/').pop());
		const view = await one(id);
		expect(view.goal).toBe('Recoverability ≥ 3 for every database technology by 30 Jun 2099');
		// Oracle is retired and Redis is a cache: neither counts. Cassandra has no rated round yet.
		expect(view.technologies.map((t) => [t.slug, t.reached, t.met])).toEqual([
			['cassandra', null, false],
			['mysql', 2, false],
			['postgres', 3, true]
		]);
		expect(view.progress).toEqual({ total: 3, met: 1, unmeasured: 1, status: 'open' });
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'initiative.create'));
		expect(entry).toMatchObject({ actorId: lead.id, entityId: String(id), after: { name: 'Databases recover', targetLevel: 3 } });
	});

	it('an initiative past its date and not met is overdue, listed first and on the dashboard', async () => {
		await create({ name: 'SRE at level 3', vectorKey: '', category: '', teamId: String(sreTeam), dueOn: '2026-01-31' });
		const all = await listed();
		expect(all.map((i) => [i.name, i.progress.status, i.progress.met, i.progress.total])).toEqual([
			// Postgres is at level 3; Redis's level is 3 too, so the SRE goal is met.
			['Databases recover', 'open', 1, 3],
			['SRE at level 3', 'met', 2, 2]
		]);
		await create({ name: 'Everything at 4', vectorKey: '', category: '', targetLevel: '4', dueOn: '2026-06-30' });
		const [first] = await listed();
		expect([first.name, first.progress.status]).toEqual(['Everything at 4', 'overdue']);
		const home = dataOf<{ initiatives: { counts: Record<string, number>; overdue: { name: string }[] } }>(
			await run(dashboard.load, fakeEvent({ user: viewer }))
		);
		expect(home.initiatives.counts).toEqual({ overdue: 1, open: 1, met: 1 });
		expect(home.initiatives.overdue.map((i) => i.name)).toEqual(['Everything at 4']);
	});

	it('a technology page shows the initiatives that cover it, with its own progress', async () => {
		const page = dataOf<{ initiatives: { name: string; reached: number | null; progress: { status: string } }[] }>(
			await run(techPage.load, fakeEvent({ user: viewer, params: { slug: 'mysql' }, url: '/technologies/mysql' }))
		);
		expect(page.initiatives.map((i) => [i.name, i.reached, i.progress.status])).toEqual([
			// MySQL's level: (14 × 3 + 2) / 15 = 2.9, level 2.
			['Everything at 4', 2, 'overdue'],
			['Databases recover', 2, 'open']
		]);
	});

	it("a round's report measures each initiative on that round's results, on the page and in the files", async () => {
		const [mysql] = await db().select().from(technology).where(eq(technology.slug, 'mysql'));
		const people = [await createUserRow('member'), await createUserRow('member'), await createUserRow('member')];
		const q2 = await createRoundRow('open', [{ technologyId: mysql.id, userIds: people.map((p) => p.id) }], 'Q2');
		for (const p of people) await submitResponseRow(q2.id, mysql.id, p.id, () => 3);
		await db().transaction((tx) => refreshResults(tx, { roundId: q2.id }));
		const [q1] = await db().select().from(round).where(eq(round.name, 'Q1'));
		const reportOf = async (roundId: number) => (await roundReport(roundId))!.initiatives.find((i) => i.name === 'Databases recover')!;
		// Q1 scored Postgres (3) and MySQL (2); Q2 scored only MySQL, now at 3.
		expect(await reportOf(q1.id)).toMatchObject({ progress: { met: 1, total: 2, status: 'open' }, notMet: ['MySQL'] });
		expect(await reportOf(q2.id)).toMatchObject({ progress: { met: 1, total: 1, status: 'met' }, notMet: [] });
		// A team's report counts that team's technologies only: Postgres is SRE's, MySQL is Data's.
		const sre = (await roundReport(q1.id, { teamId: sreTeam }))!.initiatives.find((i) => i.name === 'Databases recover')!;
		expect(sre).toMatchObject({ progress: { met: 1, total: 1 }, notMet: [] });
		// The newest closed round still says MySQL is at 2.
		expect((await one(id)).progress.met).toBe(1);

		const file = (name: string) =>
			files.GET(fakeEvent({ user: lead, params: { id: String(q1.id), file: name }, url: `/rounds/${q1.id}/report/${name}` }));
		const json = (await (await file('report.json')).json()) as {
			initiatives: { name: string; met: number; total: number; notMet: string[] }[];
		};
		expect(json.initiatives.find((i) => i.name === 'Databases recover')).toMatchObject({ met: 1, total: 2, notMet: ['MySQL'] });
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await (await file('report.xlsx')).arrayBuffer()) as never);
		const sheet = wb.getWorksheet('Initiatives')!;
		const rows = sheet.getSheetValues().filter(Boolean) as unknown as (string | number)[][];
		expect(rows[0].slice(1)).toEqual(['Initiative', 'Goal', 'Due on', 'Status', 'Met', 'Technologies', 'Not yet rated', 'Not met yet']);
		expect(rows.find((r) => r[1] === 'Databases recover')!.slice(1)).toEqual([
			'Databases recover',
			'Recoverability ≥ 3 for every database technology by 30 Jun 2099',
			'2099-06-30',
			'In progress',
			1,
			2,
			0,
			'MySQL'
		]);
	});

	it.each([
		[{ vectorKey: 'no-such-vector' }, 'vectorKey', 'Choose a vector from the list, or the level.'],
		[{ targetLevel: '6' }, 'targetLevel', 'Choose a target level from 0 to 5.'],
		[{ dueOn: '2027-02-30' }, 'dueOn', 'Enter the date the goal is due as YYYY-MM-DD.'],
		[{ category: 'databse' }, 'category', 'Choose a category from the list.'],
		[{ teamId: '99999999999' }, 'teamId', 'Choose a team from the list.'],
		[{ name: '  ' }, 'name', 'Name is required.']
	])('refuses %j with a message on its field', async (change, field, message) => {
		const before = await db().select().from(initiative);
		expect(await create(change)).toMatchObject({ kind: 'failure', status: 400, data: { errors: { [field]: message } } });
		expect(await db().select().from(initiative)).toHaveLength(before.length);
	});

	it('a team that vanished meanwhile is a message, not a 500', async () => {
		expect(await create({ teamId: '2147483000' })).toMatchObject({ kind: 'failure', status: 409 });
	});

	it('viewers read initiatives but cannot set them', async () => {
		expect(await create({}, viewer)).toMatchObject({ kind: 'error', status: 403 });
	});

	it('edits are version-checked and audited', async () => {
		const edit = (version: string, change: Record<string, string> = {}) =>
			run(detail.actions.update, fakeEvent({ user: lead, params: { id: String(id) }, form: { ...form(change), version } }));
		expect(dataOf(await edit('1', { targetLevel: '2' }))).toEqual({ saved: true });
		expect((await one(id)).progress).toMatchObject({ met: 2, total: 3 });
		expect(await edit('1', { targetLevel: '4' })).toMatchObject({ kind: 'failure', status: 409 });
		expect((await one(id)).version).toBe(2);
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'initiative.update'));
		expect(entry).toMatchObject({ before: { targetLevel: 3 }, after: { targetLevel: 2 } });
	});

	it('editing keeps a category no technology uses any more, instead of widening the goal', async () => {
		const created = await create({ name: 'Caches', category: 'cache' });
		const cacheId = Number((created as { location: string }).location.split('/').pop());
		await db().update(technology).set({ category: 'key-value' }).where(eq(technology.category, 'cache'));
		const page = dataOf<{ choices: { categories: string[] } }>(
			await run(detail.load, fakeEvent({ user: lead, params: { id: String(cacheId) } }))
		);
		expect(page.choices.categories).toContain('cache');
		const edit = await run(
			detail.actions.update,
			fakeEvent({
				user: lead,
				params: { id: String(cacheId) },
				form: { ...form({ name: 'Caches renamed', category: 'cache' }), version: '1' }
			})
		);
		expect(dataOf(edit)).toEqual({ saved: true });
		expect((await one(cacheId)).goal).toContain('every cache technology');
		await db().delete(initiative).where(eq(initiative.id, cacheId));
	});

	it('a team with initiatives cannot be deleted', async () => {
		const empty = await createTeamRow('Empty');
		await create({ teamId: String(empty.id) });
		expect(await deleteTeam(lead.id, empty.id)).toBe('has-initiatives');
	});

	it('deleting asks first, then removes the initiative with an audit entry', async () => {
		const remove = (f: Record<string, string>) =>
			run(detail.actions.delete, fakeEvent({ user: lead, params: { id: String(id) }, form: f }));
		expect(await remove({ version: '2' })).toMatchObject({ kind: 'failure', status: 400 });
		expect(await remove({ version: '2', confirm: 'yes' })).toMatchObject({ kind: 'redirect', location: '/initiatives' });
		expect(await db().select().from(initiative).where(eq(initiative.id, id))).toEqual([]);
		await expect(run(detail.load, fakeEvent({ user: viewer, params: { id: String(id) } }))).resolves.toMatchObject({
			kind: 'error',
			status: 404
		});
		expect(await db().select().from(auditLog).where(eq(auditLog.action, 'initiative.delete'))).toHaveLength(1);
	});
});
