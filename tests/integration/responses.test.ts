import { and, desc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { answer, assignment, auditLog, response, round, technology } from '../../src/lib/server/db/schema';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { saveDraft } from '../../src/lib/server/queries/draft-save';
import { computeResults } from '../../src/lib/server/queries/results';
import { storedResults } from '../../src/lib/server/queries/stored-results';
import * as assess from '../../src/routes/(app)/rounds/[id=id]/assess/[slug]/+page.server';
import * as dashboard from '../../src/routes/(app)/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow } from '../helpers/factories';

useTestDatabase();

const KEYS = AGILE_OPERATIONS_V1.vectors.map((v) => v.key);

/** The fields the scoring form posts: every vector listed, with the given choices. */
function answersForm(version: number, choices: Record<string, string> = {}, extra: Record<string, string> = {}) {
	const form: Record<string, string | string[]> = { version: String(version), vector: KEYS };
	for (const [k, v] of Object.entries(choices)) form[`score.${k}`] = v;
	return { ...form, ...extra };
}
const allAnswered = Object.fromEntries(KEYS.map((k, i) => [k, i % 7 === 0 ? '?' : String(i % 6)]));

let member: SessionUser, other: SessionUser, lead: SessionUser;
let roundId: number, closedRoundId: number;
const slug = 'kafka-under-test';
const params = () => ({ id: String(roundId), slug });

beforeAll(async () => {
	const t = await createTeamRow();
	member = await createUserRow('member', { teamIds: [t.id] });
	other = await createUserRow('member');
	lead = await createUserRow('lead');
	const tech = await createTechnologyRow('Kafka under test', t.id);
	roundId = (await createRoundRow('open', [{ technologyId: tech.id, userIds: [member.id] }])).id;
	closedRoundId = (await createRoundRow('closed', [{ technologyId: tech.id, userIds: [member.id] }])).id;
});

async function storedAnswers(userId: number, rid = roundId) {
	return db()
		.select({
			key: answer.vectorKey,
			score: answer.score,
			dontKnow: answer.dontKnow,
			comment: answer.comment,
			evidence: answer.evidenceUrl
		})
		.from(answer)
		.innerJoin(response, eq(response.id, answer.responseId))
		.where(and(eq(response.userId, userId), eq(response.roundId, rid)));
}

describe('saving a draft', () => {
	it('stores answers, bumps the version, and a reload shows them', async () => {
		const out = await run(
			assess.actions.save,
			fakeEvent({
				user: member,
				params: params(),
				form: answersForm(
					0,
					{ supportability: '3', stability: '?' },
					{ 'comment.stability': '  Depends on the week. ', 'evidence.supportability': 'https://wiki.example.com/oncall' }
				)
			})
		);
		expect(dataOf(out)).toMatchObject({ saved: true, version: 1, state: 'draft' });
		const loaded = dataOf<{ response: { version: number; answers: Record<string, unknown> }; editable: boolean }>(
			await run(assess.load, fakeEvent({ user: member, params: params(), url: `/rounds/${roundId}/assess/${slug}` }))
		);
		expect(loaded.editable).toBe(true);
		expect(loaded.response.version).toBe(1);
		expect(loaded.response.answers.supportability).toEqual({
			score: 3,
			dontKnow: false,
			comment: '',
			evidenceUrl: 'https://wiki.example.com/oncall'
		});
		expect(loaded.response.answers.stability).toEqual({ score: null, dontKnow: true, comment: 'Depends on the week.', evidenceUrl: '' });
	});

	it('records each change in the audit log with before and after', async () => {
		await run(
			assess.actions.save,
			fakeEvent({
				user: member,
				params: params(),
				form: answersForm(
					1,
					{ supportability: '4', stability: '?' },
					{ 'comment.stability': 'Depends on the week.', 'evidence.supportability': 'https://wiki.example.com/oncall' }
				)
			})
		);
		const entries = await db().select().from(auditLog).where(eq(auditLog.action, 'response.save'));
		const last = entries.at(-1)!;
		expect(last.actorId).toBe(member.id);
		expect(last.before).toEqual({
			supportability: { score: 3, dontKnow: false, comment: '', evidenceUrl: 'https://wiki.example.com/oncall' }
		});
		expect(last.after).toEqual({
			supportability: { score: 4, dontKnow: false, comment: '', evidenceUrl: 'https://wiki.example.com/oncall' }
		});
	});

	it("audits a change against the saver's own earlier answer, never another respondent's", async () => {
		const [tech] = await db().select({ id: technology.id }).from(technology).where(eq(technology.slug, slug));
		const first = await createUserRow('member');
		const second = await createUserRow('member');
		const both = (await createRoundRow('open', [{ technologyId: tech.id, userIds: [first.id, second.id] }])).id;
		const score = (n: number) => ({ supportability: { score: n, dontKnow: false, comment: '', evidenceUrl: '' } });
		await saveDraft({ roundId: both, userId: first.id, slug }, 0, score(1));
		await saveDraft({ roundId: both, userId: second.id, slug }, 0, score(5));
		expect(await saveDraft({ roundId: both, userId: second.id, slug }, 1, score(2))).toMatchObject({ status: 'saved', version: 2 });
		const [last] = await db().select().from(auditLog).where(eq(auditLog.actorId, second.id)).orderBy(desc(auditLog.id)).limit(1);
		expect(last.before).toEqual({ supportability: { score: 5, dontKnow: false, comment: '', evidenceUrl: '' } });
		expect(last.after).toEqual({ supportability: { score: 2, dontKnow: false, comment: '', evidenceUrl: '' } });
	});

	it('refuses a save from a stale tab and keeps the newer answers', async () => {
		const stale = await run(
			assess.actions.save,
			fakeEvent({ user: member, params: params(), form: answersForm(1, { supportability: '0' }) })
		);
		expect(stale).toMatchObject({ kind: 'failure', status: 409, data: { stale: true, version: 2 } });
		const rows = await storedAnswers(member.id);
		expect(rows.find((r) => r.key === 'supportability')?.score).toBe(4);
	});
});

describe('two saves at the same moment (two tabs)', () => {
	let racer: SessionUser, raceRoundId: number, techId: number;
	const raceParams = () => ({ id: String(raceRoundId), slug });
	beforeAll(async () => {
		racer = await createUserRow('member');
		[{ id: techId }] = await db().select({ id: technology.id }).from(technology).where(eq(technology.slug, slug));
		raceRoundId = (await createRoundRow('open', [{ technologyId: techId, userIds: [racer.id] }])).id;
	});

	// Needs a second connection: PGlite runs one statement at a time, so the race cannot happen there.
	it.runIf(process.env.TEST_DATABASE_URL)('a save waiting while a lead removes its respondent is refused', async () => {
		const leaver = await createUserRow('member');
		await db().insert(assignment).values({ roundId: raceRoundId, technologyId: techId, userId: leaver.id });
		const answer = { recoverability: { score: 3, dontKnow: false, comment: '', evidenceUrl: '' } };
		let save: ReturnType<typeof saveDraft> | undefined;
		// As removeRespondents does: the round locked, the assignment deleted, then commit.
		await db().transaction(async (tx) => {
			await tx.select().from(round).where(eq(round.id, raceRoundId)).for('update');
			await tx.delete(assignment).where(and(eq(assignment.roundId, raceRoundId), eq(assignment.userId, leaver.id)));
			save = saveDraft({ roundId: raceRoundId, slug, userId: leaver.id }, 0, answer);
			await new Promise((settle) => setTimeout(settle, 300));
		});
		expect(await save).toEqual({ status: 'not-assigned' });
		expect(await storedAnswers(leaver.id, raceRoundId)).toEqual([]);
	});
	const save = (version: number, score: string) =>
		run(assess.actions.save, fakeEvent({ user: racer, params: raceParams(), form: answersForm(version, { recoverability: score }) }));
	const audited = async () => (await db().select().from(auditLog).where(eq(auditLog.actorId, racer.id))).length;

	it.each([
		['the first save, when no response exists yet', 0, ['1', '5']],
		['a later save on the same version', 1, ['2', '4']]
	])('%s: exactly one wins, the other is told it is stale, one audit row', async (_case, version, [first, second]) => {
		const auditBefore = await audited();
		const outcomes = await Promise.all([save(version, first), save(version, second)]);
		const won = outcomes.filter((o) => o.kind === 'data');
		const lost = outcomes.filter((o) => o.kind === 'failure');
		expect(won).toHaveLength(1);
		expect(lost).toMatchObject([{ status: 409, data: { stale: true, version: version + 1 } }]);
		expect(await audited()).toBe(auditBefore + 1);
		const [stored] = (await storedAnswers(racer.id, raceRoundId)).filter((a) => a.key === 'recoverability');
		expect(stored.score).toBe(Number(outcomes[0].kind === 'data' ? first : second));
	});
});

describe('validation refuses bad input with a message and stores nothing', () => {
	it.each([
		['an out-of-range score', { 'score.operability': '7' }, 'score.operability', 'Choose a level from 0 to 5, or "Don\'t know".'],
		['a non-integer score', { 'score.operability': '2.5' }, 'score.operability', 'Choose a level from 0 to 5, or "Don\'t know".'],
		[
			'an unknown vector key',
			{ 'score.teleportation': '3' },
			'form',
			'The form names a vector this framework does not have: "teleportation".'
		],
		[
			'a javascript: evidence link',
			{ 'evidence.operability': 'javascript:alert(1)' },
			'evidence.operability',
			'Evidence must be a web link starting with http:// or https://.'
		],
		[
			'an evidence link the database would refuse',
			{ 'evidence.operability': 'http:/\\host/x' },
			'evidence.operability',
			'Evidence must be a web link starting with http:// or https://.'
		],
		[
			'a NUL byte in a comment',
			{ 'comment.operability': 'fine\u0000not' },
			'comment.operability',
			'A comment can hold line breaks and tabs, but no other control characters.'
		],
		[
			'an over-long comment',
			{ 'comment.operability': 'x'.repeat(2001) },
			'comment.operability',
			'Keep the comment under 2,000 characters (it has 2,001).'
		]
	])('%s', async (_case, fields, field, message) => {
		const before = await storedAnswers(member.id);
		const out = await run(assess.actions.save, fakeEvent({ user: member, params: params(), form: { ...answersForm(2), ...fields } }));
		expect(out).toMatchObject({ kind: 'failure', status: 400, data: { errors: { [field]: message } } });
		expect(await storedAnswers(member.id)).toEqual(before);
		const [r] = await db()
			.select({ version: response.version })
			.from(response)
			.where(and(eq(response.userId, member.id), eq(response.roundId, roundId)));
		expect(r.version).toBe(2);
	});

	it('a closed round', async () => {
		const out = await run(
			assess.actions.save,
			fakeEvent({ user: member, params: { id: String(closedRoundId), slug }, form: answersForm(0, { operability: '3' }) })
		);
		expect(out).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: 'This round is not open, so answers cannot change.' } }
		});
		expect(await storedAnswers(member.id, closedRoundId)).toEqual([]);
	});

	it('a user who is not assigned', async () => {
		const out = await run(assess.actions.save, fakeEvent({ user: other, params: params(), form: answersForm(0, { operability: '3' }) }));
		expect(out).toMatchObject({ kind: 'failure', status: 403 });
		expect(await storedAnswers(other.id)).toEqual([]);
		expect(await run(assess.load, fakeEvent({ user: other, params: params() }))).toMatchObject({ kind: 'error', status: 403 });
	});
});

describe('submitting', () => {
	it('an incomplete submit names what is missing and keeps the draft', async () => {
		const out = await run(
			assess.actions.submit,
			fakeEvent({ user: member, params: params(), form: answersForm(2, { supportability: '4', stability: '?', operability: '2' }) })
		);
		expect(out).toMatchObject({ kind: 'failure', status: 400, data: { version: 3 } });
		const missing = (out as unknown as { data: { missing: string[] } }).data.missing;
		expect(missing).toHaveLength(12);
		expect(missing).not.toContain('operability');
		const [r] = await db()
			.select()
			.from(response)
			.where(and(eq(response.userId, member.id), eq(response.roundId, roundId)));
		expect(r).toMatchObject({ state: 'draft', version: 3 });
	});

	it('submits when every vector is answered, then refuses edits until reopened', async () => {
		const out = await run(assess.actions.submit, fakeEvent({ user: member, params: params(), form: answersForm(3, allAnswered) }));
		expect(dataOf(out)).toMatchObject({ saved: true, state: 'submitted', version: 4 });
		const edit = await run(assess.actions.save, fakeEvent({ user: member, params: params(), form: answersForm(4, { operability: '0' }) }));
		expect(edit).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: 'These answers are submitted. Reopen them to make changes.' } }
		});
		const reopened = await run(assess.actions.reopen, fakeEvent({ user: member, params: params(), form: { version: '4' } }));
		expect(dataOf(reopened)).toMatchObject({ state: 'draft', version: 5 });
		expect(await storedResults(roundId)).toEqual([expect.objectContaining({ rating: null, submitted: 0 })]);
		const resubmitted = await run(
			assess.actions.submit,
			fakeEvent({ user: member, params: params(), form: answersForm(5, { ...allAnswered, operability: '5' }) })
		);
		expect(dataOf(resubmitted)).toMatchObject({ state: 'submitted', version: 6 });
		// Submitting refreshes the stored results that portfolio-wide pages read.
		const [stored] = await storedResults(roundId);
		expect(stored).toEqual((await computeResults({ roundId }))[0]);
		expect(stored.submitted).toBe(1);
	});

	it('the dashboard counts the submitted assignment and leaves it out of what is left', async () => {
		const data = dataOf<{ myRounds: { total: number; submitted: number; todo: unknown[] }[]; next: unknown }>(
			await run(dashboard.load, fakeEvent({ user: member }))
		);
		// Submitted: counted in its round, no longer in the list of what is left, and nothing to continue with.
		expect(data.myRounds).toEqual([expect.objectContaining({ total: 1, submitted: 1, todo: [] })]);
		expect(data.next).toBeNull();
	});
});

describe('who may read answers', () => {
	it("a lead reads a respondent's answers read-only; a member cannot read someone else's", async () => {
		const asLead = dataOf<{ editable: boolean; own: boolean; response: { answers: Record<string, { score: number | null }> } }>(
			await run(assess.load, fakeEvent({ user: lead, params: params(), url: `/x?user=${member.id}` }))
		);
		expect(asLead).toMatchObject({ editable: false, own: false, spectator: false });
		const own = dataOf(await run(assess.load, fakeEvent({ user: lead, params: params() })));
		expect(own).toMatchObject({ spectator: true, editable: false });
		expect(asLead.response.answers.operability.score).toBe(5);
		expect(await run(assess.load, fakeEvent({ user: other, params: params(), url: `/x?user=${member.id}` }))).toMatchObject({
			kind: 'error',
			status: 403
		});
	});

	it('a respondent removed from the round cannot reopen the answers they left', async () => {
		const [{ version }] = await db()
			.select({ version: response.version })
			.from(response)
			.where(and(eq(response.roundId, roundId), eq(response.userId, member.id)));
		const [tech] = await db().select({ id: assignment.technologyId }).from(assignment).where(eq(assignment.roundId, roundId));
		await db()
			.delete(assignment)
			.where(and(eq(assignment.roundId, roundId), eq(assignment.userId, member.id)));
		expect(
			await run(assess.actions.reopen, fakeEvent({ user: member, params: params(), form: { version: String(version) } }))
		).toMatchObject({
			kind: 'failure',
			status: 403
		});
		await db().insert(assignment).values({ roundId, technologyId: tech.id, userId: member.id });
	});

	it('a round closed after submission is read-only for its respondent', async () => {
		await db().update(round).set({ state: 'closed' }).where(eq(round.id, roundId));
		const loaded = dataOf<{ editable: boolean; canReopen: boolean }>(await run(assess.load, fakeEvent({ user: member, params: params() })));
		expect(loaded).toMatchObject({ editable: false, canReopen: false });
		expect(await run(assess.actions.reopen, fakeEvent({ user: member, params: params(), form: { version: '6' } }))).toMatchObject({
			kind: 'failure',
			status: 409
		});
	});
});
