import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { assignment, auditLog, frameworkVector, frameworkVersion, remediationItem, response, round } from '../../src/lib/server/db/schema';
import { computeResults, refreshResults } from '../../src/lib/server/queries/results';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as rounds from '../../src/routes/(app)/rounds/+page.server';
import * as roundPage from '../../src/routes/(app)/rounds/[id=id]/+page.server';
import * as frameworkAdmin from '../../src/routes/(app)/admin/framework/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import {
	createRoundRow,
	createTeamRow,
	createTechnologyRow,
	createUserRow,
	frameworkEditorForm,
	submitResponseRow
} from '../helpers/factories';

useTestDatabase();

let lead: SessionUser, admin: SessionUser, member: SessionUser, teammate: SessionUser, viewer: SessionUser, outsider: SessionUser;
let kafka: { id: number }, redis: { id: number };

beforeAll(async () => {
	const team = await createTeamRow('Streaming');
	lead = await createUserRow('lead');
	admin = await createUserRow('admin');
	member = await createUserRow('member', { teamIds: [team.id] });
	teammate = await createUserRow('lead', { teamIds: [team.id] });
	viewer = await createUserRow('viewer', { teamIds: [team.id] });
	await createUserRow('member', { teamIds: [team.id], active: false });
	outsider = await createUserRow('member');
	kafka = await createTechnologyRow('Kafka', team.id);
	redis = await createTechnologyRow('Redis');
});

const act = (name: keyof typeof roundPage.actions, user: SessionUser, id: number, form: Record<string, string | string[]> = {}) =>
	run(roundPage.actions[name], fakeEvent({ user, params: { id: String(id) }, form }));

describe('a round from draft to closed', () => {
	let id: number;

	it('a lead creates it on the current framework version; duplicates and bad dates are refused', async () => {
		const bad = await run(rounds.actions.create, fakeEvent({ user: lead, form: { name: '2026 Q4', dueDate: '2026-13-45' } }));
		expect(bad).toMatchObject({ kind: 'failure', data: { errors: { dueDate: 'Enter a date as YYYY-MM-DD.' } } });
		// A day that does not exist, and a NUL byte, get a message instead of reaching PostgreSQL.
		const hostile = await run(rounds.actions.create, fakeEvent({ user: lead, form: { name: '2026\u0000Q4', dueDate: '2026-02-30' } }));
		expect(hostile).toMatchObject({
			kind: 'failure',
			status: 400,
			data: { errors: { dueDate: 'Enter a date as YYYY-MM-DD.', name: expect.stringContaining('cannot contain control characters') } }
		});
		const out = await run(rounds.actions.create, fakeEvent({ user: lead, form: { name: '2026 Q4', dueDate: '2026-12-15' } }));
		expect(out.kind).toBe('redirect');
		id = Number((out as { location: string }).location.split('/').pop());
		const [r] = await db().select().from(round).where(eq(round.id, id));
		expect(r).toMatchObject({ state: 'draft', dueDate: '2026-12-15' });
		const dup = await run(rounds.actions.create, fakeEvent({ user: lead, form: { name: '2026 Q4' } }));
		expect(dup).toMatchObject({ kind: 'failure', data: { errors: { name: 'A round with this name already exists.' } } });
	});

	it('cannot open without technologies', async () => {
		expect(await act('open', lead, id)).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: 'Add at least one technology before opening the round.' } }
		});
	});

	it("adding a technology asks its team's active, non-viewer people by default", async () => {
		expect(dataOf(await act('addTechnologies', lead, id, { technologyIds: [String(kafka.id)] }))).toEqual({ done: true });
		const people = await db().select({ userId: assignment.userId }).from(assignment).where(eq(assignment.roundId, id));
		expect(people.map((p) => p.userId).sort()).toEqual([member.id, teammate.id].sort());
		expect(people.map((p) => p.userId)).not.toContain(viewer.id);
	});

	it('respondents can be added and removed while drafting; viewers cannot be asked', async () => {
		expect(dataOf(await act('addRespondent', lead, id, { technologyId: String(kafka.id), userId: String(outsider.id) }))).toEqual({
			done: true
		});
		expect(await act('addRespondent', lead, id, { technologyId: String(kafka.id), userId: String(viewer.id) })).toMatchObject({
			kind: 'failure',
			status: 409
		});
		expect(dataOf(await act('removeRespondent', lead, id, { technologyId: String(kafka.id), userId: String(teammate.id) }))).toEqual({
			done: true
		});
		type Scope = { scope: { name: string; asked: number; respondents: { userId: number; name: string; state: string }[] }[] };
		const scopeAs = async (user: SessionUser) =>
			dataOf<Scope>(await run(roundPage.load, fakeEvent({ user, params: { id: String(id) } }))).scope;
		const asLead = await scopeAs(lead);
		expect(asLead).toHaveLength(1);
		expect(asLead[0].respondents.map((r) => r.userId).sort()).toEqual([member.id, outsider.id].sort());
		expect(asLead[0].respondents.every((r) => r.state === 'not started')).toBe(true);
		// A member sees how many were asked and their own row, not who else was.
		const asMember = await scopeAs(member);
		expect(asMember[0].asked).toBe(2);
		expect(asMember[0].respondents.map((r) => r.userId)).toEqual([member.id]);
	});

	it('members and viewers cannot manage rounds', async () => {
		for (const user of [member, viewer]) {
			expect(await act('open', user, id)).toMatchObject({ kind: 'error', status: 403 });
			expect(await act('addTechnologies', user, id, { technologyIds: [String(redis.id)] })).toMatchObject({ kind: 'error', status: 403 });
		}
		expect(await run(rounds.actions.create, fakeEvent({ user: member, form: { name: 'Sneaky' } }))).toMatchObject({
			kind: 'error',
			status: 403
		});
	});

	it('an open round gains technologies and people and keeps its technologies', async () => {
		// Opening emails the people asked, so it asks first; no mail server here, so they wait in the outbox.
		expect(dataOf(await act('open', lead, id))).toMatchObject({ confirmOpen: { toEmail: 2, optedOut: 0 } });
		expect(dataOf(await act('open', lead, id, { confirm: '1' }))).toEqual({ opened: { emailed: 0, held: 2, optedOut: 0 } });
		expect(dataOf(await act('addTechnologies', admin, id, { technologyIds: [String(redis.id)] }))).toEqual({ done: true });
		expect(dataOf(await act('addRespondent', lead, id, { technologyId: String(redis.id), userId: String(member.id) }))).toEqual({
			done: true
		});
		expect(await act('removeTechnology', lead, id, { technologyId: String(kafka.id) })).toMatchObject({ kind: 'failure', status: 409 });
		expect(await act('open', lead, id)).toMatchObject({ kind: 'failure', data: { errors: { form: 'Only a draft round can be opened.' } } });
	});

	it('a lead removes a respondent who left from an open round: their answers are kept, not counted, and the removal audited', async () => {
		const leaver = await createUserRow('member');
		await act('addRespondent', lead, id, { technologyId: String(kafka.id), userId: String(leaver.id) });
		await submitResponseRow(id, kafka.id, leaver.id, () => 1);
		await db().transaction((tx) => refreshResults(tx, { roundId: id, technologyId: kafka.id }));
		const kafkaResult = async () => (await computeResults({ roundId: id, technologyId: kafka.id }))[0];
		expect((await kafkaResult()).rating?.rating).toBe(1);
		expect(await act('removeRespondent', member, id, { technologyId: String(kafka.id), userId: String(leaver.id) })).toMatchObject({
			kind: 'error',
			status: 403
		});
		expect(dataOf(await act('removeRespondent', lead, id, { technologyId: String(kafka.id), userId: String(leaver.id) }))).toEqual({
			done: true
		});
		expect(await kafkaResult()).toMatchObject({ rating: null, assigned: 2, submitted: 0 });
		// Nobody left to remove: refused, and not audited twice.
		expect(await act('removeRespondent', lead, id, { technologyId: String(kafka.id), userId: String(leaver.id) })).toMatchObject({
			kind: 'failure',
			status: 409
		});
		expect(await db().select().from(response).where(eq(response.userId, leaver.id))).toHaveLength(1);
		const [entry] = await db()
			.select()
			.from(auditLog)
			.where(eq(auditLog.action, 'round.remove-respondent'))
			.orderBy(desc(auditLog.id))
			.limit(1);
		expect(entry).toMatchObject({ actorId: lead.id, entityId: String(id), before: { technologyId: kafka.id, userIds: [leaver.id] } });
	});

	it('closing asks for confirmation first, listing who has not submitted and which drafts hold answers', async () => {
		await submitResponseRow(id, redis.id, member.id, () => 3);
		await db()
			.update(response)
			.set({ state: 'draft' })
			.where(and(eq(response.roundId, id), eq(response.userId, member.id)));
		const page = dataOf<{ unsubmitted: { technology: string; name: string; answered: number }[] }>(
			await run(roundPage.load, fakeEvent({ user: lead, params: { id: String(id) }, url: `/rounds/${id}?confirm=close` }))
		);
		expect(page.unsubmitted.map((u) => [u.technology, u.name, u.answered])).toEqual([
			['Redis', member.name, 15],
			['Kafka', member.name, 0],
			['Kafka', outsider.name, 0]
		]);
		const withoutConfirmation = await act('close', lead, id);
		expect(withoutConfirmation).toMatchObject({ kind: 'failure', status: 400 });
		expect((await db().select().from(round).where(eq(round.id, id)))[0].state).toBe('open');
	});

	it('a closed round is read-only everywhere', async () => {
		expect(dataOf(await act('close', lead, id, { confirm: 'yes' }))).toEqual({ done: true });
		const msg = 'This round is closed; nothing in it can change.';
		expect(await act('addTechnologies', lead, id, { technologyIds: [String(redis.id)] })).toMatchObject({
			kind: 'failure',
			data: { errors: { form: msg } }
		});
		expect(await act('addRespondent', lead, id, { technologyId: String(redis.id), userId: String(teammate.id) })).toMatchObject({
			kind: 'failure',
			data: { errors: { form: msg } }
		});
		expect(await act('details', lead, id, { name: 'Renamed' })).toMatchObject({ kind: 'failure', data: { errors: { form: msg } } });
		const page = dataOf<{ canManage: boolean }>(await run(roundPage.load, fakeEvent({ user: lead, params: { id: String(id) } })));
		expect(page.canManage).toBe(false);
	});

	it('an admin reopens a closed round with a reason kept in the audit log; closing again updates the backlog without duplicates', async () => {
		expect(await act('reopen', lead, id, { reason: 'Missed answers' })).toMatchObject({ kind: 'error', status: 403 });
		expect(await act('reopen', admin, id, { reason: ' ' })).toMatchObject({
			kind: 'failure',
			data: { errors: { reason: 'Reason is required.' } }
		});
		expect(dataOf(await act('reopen', admin, id, { reason: 'Two answers arrived late' }))).toEqual({ reopened: true });
		expect((await db().select().from(round).where(eq(round.id, id)))[0]).toMatchObject({ state: 'open', closedAt: null });
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'round.reopen'));
		expect(entry).toMatchObject({ actorId: admin.id, after: { state: 'open', reason: 'Two answers arrived late' } });
		expect(await act('reopen', admin, id, { reason: 'again' })).toMatchObject({ kind: 'failure', status: 409 });

		// A late answer, then close → reopen → close: the second close changes no item.
		await submitResponseRow(id, kafka.id, outsider.id, () => 1);
		expect(dataOf(await act('close', lead, id, { confirm: 'yes' }))).toEqual({ done: true });
		const items = () =>
			db()
				.select({ id: remediationItem.id, vector: remediationItem.vectorKey, status: remediationItem.status })
				.from(remediationItem)
				.orderBy(remediationItem.id);
		const first = await items();
		expect(first).toHaveLength(15);
		await act('reopen', admin, id, { reason: 'One more look' });
		expect(dataOf(await act('close', lead, id, { confirm: 'yes' }))).toEqual({ done: true });
		expect(await items()).toEqual(first);

		// Once a newer round has closed, reopening this one would let its close undo the newer findings.
		await createRoundRow('closed', [], 'Newer');
		expect(await act('reopen', admin, id, { reason: 'Too late' })).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: expect.stringContaining('only the newest closed round') } }
		});
	});
});

describe('a large round', () => {
	it('adds 55 technologies at once with their teams as respondents, and pages, searches and filters its scope', async () => {
		const team = await createTeamRow('Bulk');
		const people = [await createUserRow('member', { teamIds: [team.id] }), await createUserRow('lead', { teamIds: [team.id] })];
		const techs = [];
		for (let i = 1; i <= 55; i++) techs.push(await createTechnologyRow(`Bulk ${String(i).padStart(2, '0')}`, team.id));
		const created = await run(rounds.actions.create, fakeEvent({ user: lead, form: { name: 'Bulk round' } }));
		const bulk = Number((created as { location: string }).location.split('/').pop());
		expect(dataOf(await act('addTechnologies', lead, bulk, { technologyIds: techs.map((t) => String(t.id)) }))).toEqual({ done: true });
		const asked = await db().select().from(assignment).where(eq(assignment.roundId, bulk));
		expect(asked).toHaveLength(110);
		await submitResponseRow(bulk, techs[0].id, people[0].id, () => 3);
		await submitResponseRow(bulk, techs[0].id, people[1].id, () => 3);

		type Page = { scope: { name: string; respondents: unknown[] }[]; query: { page: number; pages: number; matching: number } };
		const load = async (search: string) =>
			dataOf<Page>(await run(roundPage.load, fakeEvent({ user: lead, params: { id: String(bulk) }, url: `/rounds/${bulk}${search}` })));
		const first = await load('');
		expect(first.query).toMatchObject({ page: 1, pages: 2, matching: 55 });
		expect(first.scope).toHaveLength(50);
		expect(first.scope[0].respondents).toHaveLength(2);
		expect((await load('?page=2')).scope.map((t) => t.name)).toEqual(['Bulk 51', 'Bulk 52', 'Bulk 53', 'Bulk 54', 'Bulk 55']);
		expect((await load('?q=bulk%205')).scope.map((t) => t.name)).toEqual([
			'Bulk 50',
			'Bulk 51',
			'Bulk 52',
			'Bulk 53',
			'Bulk 54',
			'Bulk 55'
		]);
		expect((await load('?q=%25')).query.matching).toBe(0);
		const waiting = await load('?waiting=1');
		expect(waiting.query.matching).toBe(54);
		expect(waiting.scope.map((t) => t.name)).not.toContain('Bulk 01');
		expect((await load('?page=99999999999&q=%00')).query.page).toBe(1);
		// A page past the end shows the last one, with the true count.
		expect((await load('?page=7')).query).toMatchObject({ page: 2, matching: 55 });
	});
});

describe('framework versions', () => {
	it('an edit creates a new version and leaves rounds pinned to theirs', async () => {
		const [v1] = await db().select().from(frameworkVersion).where(eq(frameworkVersion.version, 1));
		const [pinned] = await db().insert(round).values({ name: 'Pinned', frameworkVersionId: v1.id, state: 'open' }).returning();
		const form = frameworkEditorForm({ note: 'Recoverability counts double.', 'v.recoverability.weight': '2' });
		expect(await run(frameworkAdmin.actions.default, fakeEvent({ user: lead, form }))).toMatchObject({ kind: 'error', status: 403 });
		const bad = await run(
			frameworkAdmin.actions.default,
			fakeEvent({ user: admin, form: { ...form, 'v.stability.weight': '0', 'v.stability.anchor.3': ' ' } })
		);
		expect(bad).toMatchObject({
			kind: 'failure',
			data: {
				errors: {
					'v.stability.weight': 'Weight must be a number from 0.01 to 10, with at most two decimals.',
					'v.stability.anchor.3': 'Level 3 guidance is required.'
				}
			}
		});
		expect(await db().select().from(frameworkVersion)).toHaveLength(1);

		const ok = await run(frameworkAdmin.actions.default, fakeEvent({ user: admin, form }));
		expect(ok).toMatchObject({ kind: 'redirect', location: '/methodology?version=2' });
		const [v2] = await db().select().from(frameworkVersion).where(eq(frameworkVersion.version, 2));
		const weights = await db()
			.select({ key: frameworkVector.key, weight: frameworkVector.weight, fv: frameworkVector.frameworkVersionId })
			.from(frameworkVector)
			.where(eq(frameworkVector.key, 'recoverability'));
		expect(weights.find((w) => w.fv === v1.id)?.weight).toBe(1);
		expect(weights.find((w) => w.fv === v2.id)?.weight).toBe(2);
		const [stillPinned] = await db().select().from(round).where(eq(round.id, pinned.id));
		expect(stillPinned.frameworkVersionId).toBe(v1.id);

		const created = await run(rounds.actions.create, fakeEvent({ user: lead, form: { name: 'After the edit' } }));
		const newId = Number((created as { location: string }).location.split('/').pop());
		const [fresh] = await db().select().from(round).where(eq(round.id, newId));
		expect(fresh.frameworkVersionId).toBe(v2.id);
	});
});
