import { eq } from 'drizzle-orm';
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
import { createSession, generateToken } from '../../src/lib/server/auth/session';
import { hashPassword } from '../../src/lib/server/auth/password';
import { demoAccountsExist, demoDataExists, forgetDemoAccounts } from '../../src/lib/server/queries/demo-data';
import { previewDemoRemoval } from '../../src/lib/server/queries/demo-removal';
import { changePassword, updateUser } from '../../src/lib/server/queries/users';
import { byEmail, byName, names, emails, asSessionUser, remove } from '../helpers/demo';
import * as demoPage from '../../src/routes/(app)/admin/demo/+page.server';
import * as appLayout from '../../src/routes/(app)/+layout.server';
import * as login from '../../src/routes/(auth)/login/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createTeamRow, createUserRow, submitResponseRow } from '../helpers/factories';

describe('an organisation that only tried the demo', () => {
	useTestDatabase();

	it('removes every demo row, leaves its own admin, and the banner goes', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const admin = await createUserRow('admin');
		expect(await demoAccountsExist()).toBe(true);
		expect(dataOf(await run(appLayout.load, fakeEvent({ user: admin })))).toMatchObject({ demoAccounts: true });

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
		expect(dataOf(await run(appLayout.load, fakeEvent({ user: admin })))).toMatchObject({ demoAccounts: false });
		expect(dataOf(await run(login.load, fakeEvent({ url: '/login' })))).toMatchObject({ demoAccounts: false });

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
		expect(dataOf(await run(appLayout.load, fakeEvent({ user: admin })))).toMatchObject({ demoAccounts: false });
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
