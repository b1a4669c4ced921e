import { and, asc, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import {
	answer,
	appUser,
	assignment,
	auditLog,
	remediationItem,
	response,
	round,
	roundResult,
	session,
	setting,
	team,
	technology,
	userTeam
} from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { createSession, generateToken, type SessionUser } from '../../src/lib/server/auth/session';
import { hashPassword } from '../../src/lib/server/auth/password';
import {
	demoAccountsExist,
	demoDataExists,
	forgetDemoAccounts,
	PASSWORD_CHANGED,
	previewDemoRemoval
} from '../../src/lib/server/queries/demo-data';
import { addRespondent, addTechnologies } from '../../src/lib/server/queries/round-scope';
import { regenerateRoundBacklog } from '../../src/lib/server/queries/round-state';
import { refreshResults } from '../../src/lib/server/queries/results';
import { changePassword, updateUser } from '../../src/lib/server/queries/users';
import * as demoPage from '../../src/routes/(app)/admin/demo/+page.server';
import * as appLayout from '../../src/routes/(app)/+layout.server';
import * as login from '../../src/routes/(auth)/login/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createTeamRow, createUserRow, submitResponseRow } from '../helpers/factories';

const byEmail = async (email: string) => (await db().select().from(appUser).where(eq(appUser.email, email)))[0];
const byName = async (table: typeof team | typeof technology, name: string) =>
	(await db().select({ id: table.id }).from(table).where(eq(table.name, name)))[0];
const names = async (table: typeof team | typeof technology | typeof round) =>
	(await db().select({ name: table.name }).from(table).orderBy(asc(table.name))).map((r) => r.name);
const emails = async () => (await db().select({ email: appUser.email }).from(appUser).orderBy(asc(appUser.email))).map((r) => r.email);
const asSessionUser = (u: typeof appUser.$inferSelect): SessionUser => ({
	id: u.id,
	email: u.email,
	name: u.name,
	role: u.role
});
const remove = (user: SessionUser, form: Record<string, string> = { confirm: 'yes' }) =>
	run(demoPage.actions.remove, fakeEvent({ user, form, url: '/admin/demo' }));
const preview = async (user: SessionUser) => dataOf(await run(demoPage.load, fakeEvent({ user, url: '/admin/demo?confirm=remove' })));
const demoRounds = async () => {
	const [closed, open] = await db().select().from(round).orderBy(asc(round.id));
	return { closed, open };
};
/** Every answer (with its response) in a round, or of some people: to compare before and after. */
const answersIn = (roundId: number, userIds?: number[]) =>
	db()
		.select()
		.from(answer)
		.innerJoin(response, eq(response.id, answer.responseId))
		.where(and(eq(response.roundId, roundId), userIds ? inArray(response.userId, userIds) : undefined))
		.orderBy(asc(answer.responseId), asc(answer.vectorKey));
const resultsIn = (roundId: number) =>
	db().select().from(roundResult).where(eq(roundResult.roundId, roundId)).orderBy(asc(roundResult.technologyId));
const assignmentsIn = (roundId: number) =>
	db().select().from(assignment).where(eq(assignment.roundId, roundId)).orderBy(asc(assignment.technologyId), asc(assignment.userId));

describe('an organisation that only tried the demo', () => {
	useTestDatabase();

	it('removes every demo row, leaves its own admin, and the banner goes', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const admin = await createUserRow('admin');
		expect(await demoAccountsExist()).toBe(true);
		expect(dataOf(await run(appLayout.load as never, fakeEvent({ user: admin })))).toMatchObject({ demoAccounts: true });

		expect(await remove(admin)).toEqual({ kind: 'redirect', status: 303, location: '/admin/demo?removed' });
		expect(await emails()).toEqual([admin.email]);
		expect(await names(team)).toEqual([]);
		expect(await names(technology)).toEqual([]);
		expect(await names(round)).toEqual([]);
		for (const table of [response, answer, assignment, roundResult, remediationItem, userTeam, session])
			expect(await db().select().from(table)).toHaveLength(0);
		expect(await db().select().from(setting).where(eq(setting.key, 'demo-data'))).toHaveLength(0);
		expect(await demoAccountsExist()).toBe(false);
		expect(await demoDataExists()).toBe(false);
		expect(dataOf(await run(appLayout.load as never, fakeEvent({ user: admin })))).toMatchObject({ demoAccounts: false });
		expect(dataOf(await run(login.load as never, fakeEvent({ url: '/login' })))).toMatchObject({ demoAccounts: false });

		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'demo.remove'));
		expect(entry).toMatchObject({ actorId: admin.id, entity: 'demo_data' });
		expect(entry.after).toMatchObject({
			people: 12,
			teams: 3,
			technologies: 12,
			rounds: 2,
			keptRounds: [],
			keptPeople: [],
			keptTechnologies: []
		});
		expect((entry.after as { responses: number }).responses).toBeGreaterThan(50);

		expect(await remove(admin)).toMatchObject({ kind: 'failure', status: 409 });
	});
});

describe('an organisation that has started to use it', () => {
	useTestDatabase();

	it('keeps what later data depends on, deletes exactly the rest, and audits it', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const demoAdmin = asSessionUser(await byEmail('admin@example.com'));
		const tess = await byEmail('tess.tools@example.com');
		const lead = await byEmail('lead@example.com');
		const kafka = await byName(technology, 'Kafka');
		const tooling = await byName(team, 'Delivery Tooling');

		// What the organisation made since: its admin, a team, a technology, a person in a demo team,
		// and a round that scores its own technology and the demo Kafka (a demo person answers there).
		const admin = await createUserRow('admin');
		const realTeam = await createTeamRow('Payments');
		const realTech = await createTechnologyRow('Ledger', realTeam.id);
		const member = await createUserRow('member', { teamIds: [tooling.id] });
		const later = await createRoundRow(
			'open',
			[
				{ technologyId: realTech.id, userIds: [member.id] },
				{ technologyId: kafka.id, userIds: [member.id, tess.id] }
			],
			'2030 Q1'
		);
		await submitResponseRow(later.id, realTech.id, member.id, () => 3);
		await submitResponseRow(later.id, kafka.id, tess.id, () => 2);
		await createSession(generateToken(), lead.id);
		const realAnswers = await db()
			.select()
			.from(answer)
			.innerJoin(response, eq(response.id, answer.responseId))
			.where(eq(response.roundId, later.id));

		// Refusals change nothing: a demo admin, a non-admin, a missing confirmation.
		const before = { users: await emails(), techs: await names(technology) };
		expect(await remove(demoAdmin)).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: /signed in as a demo account/ } }
		});
		expect(await remove(member)).toMatchObject({ kind: 'error', status: 403 });
		expect(await remove(admin, {})).toMatchObject({ kind: 'failure', status: 400 });
		expect({ users: await emails(), techs: await names(technology) }).toEqual(before);
		expect(dataOf(await run(demoPage.load, fakeEvent({ user: demoAdmin, url: '/admin/demo' })))).toMatchObject({ signedInAsDemo: true });

		const page = dataOf(await run(demoPage.load, fakeEvent({ user: admin, url: '/admin/demo?confirm=remove' })));
		expect(page).toMatchObject({
			confirming: true,
			signedInAsDemo: false,
			plan: {
				counts: { people: 11, teams: 1, technologies: 11, rounds: 2 },
				keep: {
					rounds: [],
					technologies: [{ name: 'Kafka', reason: 'in scope of 2030 Q1; answered in 2030 Q1' }],
					people: [{ name: 'tess.tools@example.com', reason: 'asked to score in 2030 Q1; answered in 2030 Q1', publicPassword: true }],
					teams: expect.arrayContaining([
						{ id: expect.any(Number), name: 'Data Platform', reason: 'owns Kafka' },
						{ id: expect.any(Number), name: 'Delivery Tooling', reason: 'has members' }
					])
				}
			}
		});
		expect(JSON.stringify(page)).not.toMatch(/argon2/);

		expect(await remove(admin)).toMatchObject({ kind: 'redirect', status: 303 });

		expect(await emails()).toEqual([admin.email, member.email, 'tess.tools@example.com'].sort());
		expect(await names(team)).toEqual(['Data Platform', 'Delivery Tooling', 'Payments']);
		expect(await names(technology)).toEqual(['Kafka', 'Ledger']);
		expect(await names(round)).toEqual(['2030 Q1']);
		// The later round is whole: scope, assignments, responses, answers.
		expect(await db().select().from(assignment)).toHaveLength(3);
		expect(await db().select().from(response)).toHaveLength(2);
		expect(
			await db().select().from(answer).innerJoin(response, eq(response.id, answer.responseId)).where(eq(response.roundId, later.id))
		).toEqual(realAnswers);
		// Kafka's backlog came only from demo answers; memberships of people who stay are theirs.
		expect(await db().select().from(remediationItem)).toHaveLength(0);
		expect(await db().select().from(session)).toHaveLength(0);
		expect((await db().select().from(userTeam)).map((m) => [m.userId, m.teamId]).sort()).toEqual(
			[
				[member.id, tooling.id],
				[tess.id, tooling.id]
			].sort()
		);

		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'demo.remove'));
		expect(entry).toMatchObject({
			actorId: admin.id,
			after: {
				people: 11,
				teams: 1,
				technologies: 11,
				rounds: 2,
				keptRounds: [],
				keptPeople: ['tess.tools@example.com'],
				keptTechnologies: ['Kafka'],
				keptTeams: expect.arrayContaining(['Data Platform', 'Delivery Tooling'])
			}
		});

		// Tess still signs in with the public password, so the banner stays until that changes.
		expect(await demoAccountsExist()).toBe(true);
		const rest = dataOf(await run(demoPage.load, fakeEvent({ user: admin, url: '/admin/demo' })));
		expect(rest).toMatchObject({ plan: { counts: { people: 0, technologies: 0, rounds: 0 } } });
		await changePassword(tess.id, await hashPassword('a password of her own'));
		expect(await demoAccountsExist()).toBe(false);
		expect(dataOf(await run(appLayout.load as never, fakeEvent({ user: admin })))).toMatchObject({ demoAccounts: false });
	});

	it('counts a deactivated demo account as harmless', async () => {
		const tess = await byEmail('tess.tools@example.com');
		const [admin] = await db().select().from(appUser).where(eq(appUser.role, 'admin'));
		// Back to the seeded hash, as if the password had never changed.
		await db()
			.update(appUser)
			.set({ passwordHash: (await previewDemoRemoval())!.record.passwordHash })
			.where(eq(appUser.id, tess.id));
		forgetDemoAccounts();
		expect(await demoAccountsExist()).toBe(true);
		await updateUser(admin.id, tess.id, { role: tess.role, teamIds: [], active: false, confirmed: true });
		expect(await demoAccountsExist()).toBe(false);
	});
});

describe('a demo round in which a real person answers', () => {
	useTestDatabase();

	it('is kept, with its demo technologies and respondents, and the real answers and assignments stay whole', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const { closed, open } = await demoRounds();
		const redis = await byName(technology, 'Redis');
		const kafka = await byName(technology, 'Kafka');
		const admin = await createUserRow('admin');
		const answerer = await createUserRow('member');
		const asked = await createUserRow('member');
		expect(await addRespondent(admin.id, open.id, redis.id, answerer.id)).toBe('ok');
		await submitResponseRow(open.id, redis.id, answerer.id, () => 4);
		expect(await addRespondent(admin.id, open.id, kafka.id, asked.id)).toBe('ok');
		const before = { answers: await answersIn(open.id), assignments: await assignmentsIn(open.id), results: await resultsIn(open.id) };
		expect(await answersIn(open.id, [answerer.id])).toHaveLength(15);

		const page = await preview(admin);
		expect(page).toMatchObject({
			plan: {
				remove: { rounds: [closed.name], technologies: [], teams: [], people: ['admin@example.com', 'viewer@example.com'] },
				counts: { rounds: 1, technologies: 0, teams: 0, people: 2 },
				keep: { rounds: [{ name: open.name, reason: `holds answers by ${answerer.email}; asks ${asked.email} to score` }] }
			}
		});
		const { keep } = (page as { plan: { keep: { technologies: { name: string; reason: string }[] } } }).plan;
		expect(keep.technologies).toContainEqual(
			expect.objectContaining({ name: 'Redis', reason: `in scope of ${open.name}; answered in ${open.name}` })
		);
		expect(keep.technologies).toHaveLength(12);

		expect(await remove(admin)).toMatchObject({ kind: 'redirect', status: 303 });
		expect(await names(round)).toEqual([open.name]);
		// The kept round is whole: every answer (the real person's and the demo respondents'), assignment and result.
		expect(await answersIn(open.id)).toEqual(before.answers);
		expect(await assignmentsIn(open.id)).toEqual(before.assignments);
		expect(await resultsIn(open.id)).toEqual(before.results);
		expect(await emails()).toEqual(expect.arrayContaining([answerer.email, asked.email, 'lead@example.com']));
		expect(await emails()).not.toContain('viewer@example.com');
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'demo.remove'));
		expect(entry.after).toMatchObject({ rounds: 1, technologies: 0, keptRounds: [open.name] });
	});
});

describe('a demo round a real technology was added to', () => {
	useTestDatabase();

	it('is kept, and the technology keeps its scope, assignments, answers, results and backlog', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const { closed, open } = await demoRounds();
		const admin = await createUserRow('admin');
		const tess = await byEmail('tess.tools@example.com');
		const ledger = await createTechnologyRow('Ledger', (await createTeamRow('Payments')).id);
		// Scored by a demo account, so only the technology is not demo data here.
		expect(await addTechnologies(admin.id, open.id, [ledger.id])).toBe('ok');
		expect(await addRespondent(admin.id, open.id, ledger.id, tess.id)).toBe('ok');
		await submitResponseRow(open.id, ledger.id, tess.id, () => 1);
		await db().transaction((tx) => refreshResults(tx, { roundId: open.id, technologyId: ledger.id }));
		await regenerateRoundBacklog(admin.id, open.id);
		const ledgerRows = async () => ({
			scope: await db()
				.select()
				.from(assignment)
				.where(and(eq(assignment.roundId, open.id), eq(assignment.technologyId, ledger.id))),
			answers: (await answersIn(open.id)).filter((a) => a.response.technologyId === ledger.id),
			results: (await resultsIn(open.id)).filter((r) => r.technologyId === ledger.id),
			backlog: await db().select().from(remediationItem).where(eq(remediationItem.technologyId, ledger.id)).orderBy(asc(remediationItem.id))
		});
		const before = await ledgerRows();
		expect(before.scope).toHaveLength(1);
		expect(before.answers).toHaveLength(15);
		expect(before.results).toHaveLength(1);
		expect(before.backlog.length).toBeGreaterThan(0);
		expect(before.backlog.every((i) => i.createdRoundId === open.id && i.edited.length === 0)).toBe(true);

		// A backlog item of another real technology that names a demo round keeps that round too.
		const billing = await createTechnologyRow('Billing');
		const [stray] = await db()
			.insert(remediationItem)
			.values({
				...before.backlog[0],
				id: undefined,
				technologyId: billing.id,
				createdRoundId: closed.id,
				updatedRoundId: null,
				metRoundId: null
			})
			.returning();
		expect(await preview(admin)).toMatchObject({
			plan: {
				counts: { rounds: 0 },
				keep: {
					rounds: [
						{ name: closed.name, reason: 'backlog items of Billing refer to it' },
						{ name: open.name, reason: 'scores Ledger' }
					].sort((a, b) => a.name.localeCompare(b.name))
				}
			}
		});
		await db().delete(remediationItem).where(eq(remediationItem.id, stray.id));

		expect(await preview(admin)).toMatchObject({
			plan: { remove: { rounds: [closed.name] }, keep: { rounds: [{ name: open.name, reason: 'scores Ledger' }] } }
		});
		expect(await remove(admin)).toMatchObject({ kind: 'redirect', status: 303 });
		expect(await names(round)).toEqual([open.name]);
		expect(await ledgerRows()).toEqual(before);
		expect(await emails()).toContain('tess.tools@example.com');
	});
});

describe('a demo account whose password was changed', () => {
	useTestDatabase();

	it('is someone’s account now: it may remove the demo data and is kept, with why', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const demoAdmin = asSessionUser(await byEmail('admin@example.com'));
		const viewer = await byEmail('viewer@example.com');
		await changePassword(demoAdmin.id, await hashPassword('an admin password of our own'));
		await changePassword(viewer.id, await hashPassword('a viewer password of their own'));

		const kept = [
			{ name: 'admin@example.com', reason: PASSWORD_CHANGED, publicPassword: false },
			{ name: 'viewer@example.com', reason: PASSWORD_CHANGED, publicPassword: false }
		];
		expect(await preview(demoAdmin)).toMatchObject({
			signedInAsDemo: false,
			plan: { counts: { people: 10, teams: 3, technologies: 12, rounds: 2 }, keep: { rounds: [], people: kept } }
		});
		expect(await remove(demoAdmin)).toMatchObject({ kind: 'redirect', status: 303 });
		expect(await emails()).toEqual(['admin@example.com', 'viewer@example.com']);
		expect(await names(round)).toEqual([]);
		expect(await names(technology)).toEqual([]);
		expect(await demoAccountsExist()).toBe(false);
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'demo.remove'));
		expect(entry).toMatchObject({ actorId: demoAdmin.id, after: { people: 10, keptPeople: ['admin@example.com', 'viewer@example.com'] } });

		// They stay listed as kept; nothing more can go.
		expect(await preview(demoAdmin)).toMatchObject({ plan: { counts: { people: 0, rounds: 0 }, keep: { people: kept } } });
		expect(await remove(demoAdmin)).toMatchObject({ kind: 'failure', status: 409 });
	});
});

describe('a demo account whose password was changed, with answers in the demo rounds', () => {
	useTestDatabase();

	it('keeps the rounds that hold its answers, and what they need', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const { closed, open } = await demoRounds();
		const admin = await createUserRow('admin');
		const lead = await byEmail('lead@example.com');
		await changePassword(lead.id, await hashPassword('a lead password of their own'));
		const before = { closed: await answersIn(closed.id, [lead.id]), open: await answersIn(open.id, [lead.id]) };
		expect(before.closed.length).toBeGreaterThan(0);

		const page = await preview(admin);
		expect(page).toMatchObject({
			plan: {
				remove: { rounds: [], technologies: [], teams: [] },
				keep: {
					rounds: [
						{ name: closed.name, reason: 'holds answers by lead@example.com' },
						{ name: open.name, reason: 'holds answers by lead@example.com' }
					].sort((a, b) => a.name.localeCompare(b.name))
				}
			}
		});
		const { keep, remove: going } = (page as { plan: { keep: { people: unknown[] }; remove: { people: string[] } } }).plan;
		// Only the accounts no round asks to score or holds answers of go.
		expect(going.people).toEqual(['admin@example.com', 'viewer@example.com']);
		expect(keep.people).toContainEqual(
			expect.objectContaining({ name: 'lead@example.com', reason: PASSWORD_CHANGED, publicPassword: false })
		);
		expect(keep.people).toContainEqual(expect.objectContaining({ name: 'tess.tools@example.com', publicPassword: true }));

		expect(await remove(admin)).toMatchObject({ kind: 'redirect', status: 303 });
		expect(await emails()).toContain('lead@example.com');
		expect(await answersIn(closed.id, [lead.id])).toEqual(before.closed);
		expect(await answersIn(open.id, [lead.id])).toEqual(before.open);
		expect(await names(round)).toEqual([closed.name, open.name].sort());
		expect(await emails()).not.toContain('viewer@example.com');
		// Kept demo respondents still have the public password: the banner stays.
		expect(await demoAccountsExist()).toBe(true);
	});
});
