import { and, asc, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { assignment, auditLog, remediationItem, round, roundResult, technology } from '../../src/lib/server/db/schema';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { hashPassword } from '../../src/lib/server/auth/password';
import { demoAccountsExist } from '../../src/lib/server/queries/demo-data';
import { PASSWORD_CHANGED } from '../../src/lib/server/queries/demo-plan';
import { addRespondent, addTechnologies } from '../../src/lib/server/queries/round-scope';
import { regenerateRoundBacklog } from '../../src/lib/server/queries/round-state';
import { refreshResults } from '../../src/lib/server/queries/results';
import { changePassword } from '../../src/lib/server/queries/users';
import {
	byEmail,
	byName,
	names,
	emails,
	asSessionUser,
	remove,
	preview,
	demoRounds,
	answersIn,
	resultsIn,
	assignmentsIn
} from '../helpers/demo';
import { useTestDatabase } from '../helpers/db';
import { createRoundRow, createTechnologyRow, createTeamRow, createUserRow, submitResponseRow } from '../helpers/factories';

// Removal deletes only demo rows: whatever real data touches stays, with the reason shown.

/** The technologies a round gave a rating, by name. */
const ratedIn = async (roundId: number) =>
	(
		await db()
			.select({ name: technology.name })
			.from(roundResult)
			.innerJoin(technology, eq(technology.id, roundResult.technologyId))
			.where(and(eq(roundResult.roundId, roundId), sql`${roundResult.result}->'rating' <> 'null'::jsonb`))
			.orderBy(asc(technology.name))
	).map((r) => r.name);
const and_ = (words: string[]) => new Intl.ListFormat('en-GB', { type: 'conjunction' }).format(words);

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
		// Every demo technology stays, but the closed round's ratings of them go with it: the confirmation says so.
		const rated = await ratedIn(closed.id);
		expect(rated).toEqual(expect.arrayContaining(['PostgreSQL', 'Redis']));
		expect((page as { plan: { lostRatings: string[] } }).plan.lostRatings).toEqual([
			`The ratings of ${and_(rated)} from ${closed.name} come from a demo round and will go.`
		]);

		expect(await remove(admin)).toMatchObject({ kind: 'redirect', status: 303 });
		expect(await names(round)).toEqual([open.name]);
		// The kept round is whole: every answer (the real person's and the demo respondents'), assignment and result.
		expect(await answersIn(open.id)).toEqual(before.answers);
		expect(await assignmentsIn(open.id)).toEqual(before.assignments);
		expect(await resultsIn(open.id)).toEqual(before.results);
		expect(await emails()).toEqual(expect.arrayContaining([answerer.email, asked.email, 'lead@example.com']));
		expect(await emails()).not.toContain('viewer@example.com');
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'demo.remove'));
		expect(entry.after).toMatchObject({
			rounds: 1,
			technologies: 0,
			keptRounds: [open.name],
			lostRatings: [`${rated.join(', ')} from ${closed.name}`]
		});
	});
});

describe('demo technologies that a real round has in scope', () => {
	useTestDatabase();

	it('stay, and the confirmation names the ratings the demo rounds gave them, which go', async () => {
		expect(await seedDemoIfEmpty()).toBe(true);
		const { closed, open } = await demoRounds();
		const admin = await createUserRow('admin');
		const postgres = await byName(technology, 'PostgreSQL');
		const redis = await byName(technology, 'Redis');
		await createRoundRow('draft', [
			{ technologyId: postgres.id, userIds: [] },
			{ technologyId: redis.id, userIds: [] }
		]);
		// Only ratings are named: a technology a demo round left unrated loses nothing it showed.
		for (const r of [closed, open]) expect(await ratedIn(r.id)).toEqual(expect.arrayContaining(['PostgreSQL', 'Redis']));

		const page = await preview(admin);
		expect(page).toMatchObject({
			plan: {
				remove: { rounds: [closed.name, open.name].sort() },
				keep: { technologies: [expect.objectContaining({ name: 'PostgreSQL' }), expect.objectContaining({ name: 'Redis' })] },
				lostRatings: [`The ratings of PostgreSQL and Redis from ${closed.name} and ${open.name} come from demo rounds and will go.`]
			}
		});

		expect(await remove(admin)).toMatchObject({ kind: 'redirect', status: 303 });
		expect(await names(technology)).toEqual(['PostgreSQL', 'Redis']);
		expect(await db().select().from(roundResult)).toEqual([]);
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'demo.remove'));
		expect(entry.after).toMatchObject({ lostRatings: [`PostgreSQL, Redis from ${closed.name}, ${open.name}`] });
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
