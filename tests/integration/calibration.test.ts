import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { auditLog, calibratedVector, remediationItem, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { subscribe, subscriberCount } from '../../src/lib/server/db/notify';
import { calibrationTopic } from '../../src/lib/server/queries/calibration';
import { refreshResults } from '../../src/lib/server/queries/results';
import { storedResults } from '../../src/lib/server/queries/stored-results';
import { getSignalKind, recordSignal } from '../../src/lib/server/queries/signals';
import * as page from '../../src/routes/(app)/rounds/[id=id]/calibrate/[slug]/+page.server';
import * as events from '../../src/routes/(app)/rounds/[id=id]/calibrate/[slug]/events/+server';
import * as roundPage from '../../src/routes/(app)/rounds/[id=id]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

useTestDatabase();
let lead: SessionUser, otherLead: SessionUser, people: SessionUser[], outsider: SessionUser, roundId: number, vaultId: number;

// Recoverability 1, 3, 5 and stability 2, 4, 4 disagree (a spread of 2 or more); every other vector is 3 for all.
const SCORES: Record<string, number[]> = { recoverability: [1, 3, 5], stability: [2, 4, 4] };

beforeAll(async () => {
	lead = await createUserRow('lead');
	otherLead = await createUserRow('lead');
	outsider = await createUserRow('member');
	people = [await createUserRow('member'), await createUserRow('member'), await createUserRow('member')];
	const vault = await createTechnologyRow('Vault', null, 4);
	const calm = await createTechnologyRow('Calm');
	vaultId = vault.id;
	roundId = (
		await createRoundRow('open', [
			{ technologyId: vault.id, userIds: people.map((p) => p.id) },
			{ technologyId: calm.id, userIds: people.map((p) => p.id) }
		])
	).id;
	for (const [i, p] of people.entries()) {
		await submitResponseRow(roundId, vault.id, p.id, (key) => SCORES[key]?.[i] ?? 3);
		await submitResponseRow(roundId, calm.id, p.id, () => 3);
	}
	await db().transaction((tx) => refreshResults(tx, { roundId }));
});

type State = {
	participants: number;
	isParticipant: boolean;
	session: null | {
		id: number;
		version: number;
		phase: string;
		position: number;
		vectors: { key: string }[];
		current: null | { key: string; votes: number; myVote: number | null; revealed: number[] | null; originalDistribution: number[] };
	};
	agreed: { key: string; level: number; from: number | null; note: string }[];
};
const params = (slug = 'vault') => ({ id: String(roundId), slug });
const state = async (user: SessionUser, slug = 'vault') =>
	dataOf<{ state: State }>(await run(page.load, fakeEvent({ user, params: params(slug) }))).state;
/** An action as the page posts it: every form but start names the session the page shows. */
const act = async (name: keyof typeof page.actions, user: SessionUser, form: Record<string, string> = {}, slug = 'vault') => {
	const session: Record<string, string> = name === 'start' ? {} : { session: String((await state(lead, slug)).session?.id ?? 0) };
	return run(page.actions[name], fakeEvent({ user, params: params(slug), form: { ...session, ...form } }));
};
const version = async () => String((await state(lead)).session!.version);

describe('a calibration session', () => {
	it('cannot start where the respondents agree', async () => {
		expect(await act('start', lead, {}, 'calm')).toMatchObject({
			kind: 'failure',
			status: 409,
			data: {
				errors: {
					form: 'Nothing to calibrate: the respondents agree on every vector (no spread of two levels or more), and no median is two levels from its facts.'
				}
			}
		});
		expect((await state(lead, 'calm')).session).toBeNull();
	});

	it('starts where the respondents agree but a median is two levels from its facts, over that vector alone', async () => {
		// Everyone scored Recoverability 3; a restore test six years ago suggests level 0.
		const kind = (await getSignalKind('last-restore-test'))!;
		const [calm] = await db().select({ id: technology.id }).from(technology).where(eq(technology.slug, 'calm'));
		await recordSignal({
			technologyId: calm.id,
			kindId: kind.id,
			number: null,
			date: '2020-01-01',
			detail: '',
			source: 'api',
			recordedBy: lead.id
		});
		expect(dataOf(await act('start', lead, {}, 'calm'))).toEqual({ done: true });
		expect((await state(lead, 'calm')).session!.vectors.map((v) => v.key)).toEqual(['recoverability']);
	});

	it('a lead starts one over the vectors in disagreement, in lane order; a second start is refused', async () => {
		expect(dataOf(await act('start', lead))).toEqual({ done: true });
		const s = await state(people[0]);
		expect(s.session!.vectors.map((v) => v.key)).toEqual(['recoverability', 'stability']);
		expect(s).toMatchObject({ participants: 3, isParticipant: true });
		expect(s.session!.current).toMatchObject({
			key: 'recoverability',
			votes: 0,
			myVote: null,
			revealed: null,
			originalDistribution: [0, 1, 0, 1, 0, 1]
		});
		expect(await act('start', otherLead)).toMatchObject({ kind: 'failure', status: 409 });
	});

	it('only the people asked to score it take part', async () => {
		await expect(run(page.load, fakeEvent({ user: outsider, params: params() }))).resolves.toMatchObject({
			kind: 'error',
			status: 403
		});
		expect(await act('vote', outsider, { vector: 'recoverability', score: '3' })).toMatchObject({ kind: 'error', status: 403 });
	});

	it('votes are secret: each sees the count and their own vote; bad votes get a message', async () => {
		const published: string[] = [];
		const stop = await subscribe(calibrationTopic(roundId, vaultId), (p) => published.push(p));
		expect(dataOf(await act('vote', people[0], { vector: 'recoverability', score: '3' }))).toEqual({ done: true });
		expect(dataOf(await act('vote', people[1], { vector: 'recoverability', score: '4' }))).toEqual({ done: true });
		expect(await act('vote', people[2], { vector: 'recoverability', score: '6' })).toMatchObject({
			kind: 'failure',
			status: 400,
			data: { errors: { score: 'Choose a level from 0 to 5.' } }
		});
		expect(await act('vote', people[2], { vector: 'stability', score: '3' })).toMatchObject({ kind: 'failure', status: 409 });
		const mine = await state(people[1]);
		expect(mine.session!.current).toMatchObject({ votes: 2, myVote: 4, revealed: null });
		expect((await state(people[2])).session!.current).toMatchObject({ votes: 2, myVote: null });
		// Every instance hears each accepted vote through LISTEN/NOTIFY; a refused one is never published.
		await expect.poll(() => published).toEqual(['vote', 'vote']);
		stop();
	});

	it('a stale reveal is refused; the reveal shows the distribution, not who voted what, and closes the vote', async () => {
		const v = await version();
		expect(await act('reveal', lead, { version: String(Number(v) - 1) })).toMatchObject({ kind: 'failure', status: 409 });
		// Three take part and the anonymity threshold is 3: with two votes in, a reveal would let each tell the other's vote.
		expect(await act('reveal', lead, { version: v })).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: 'Too few votes to reveal: wait for more, so that no single vote can be told apart.' } }
		});
		expect(dataOf(await act('vote', people[2], { vector: 'recoverability', score: '4' }))).toEqual({ done: true });
		expect(dataOf(await act('reveal', lead, { version: v }))).toEqual({ done: true });
		expect((await state(people[2])).session!.current).toMatchObject({ votes: 3, revealed: [0, 0, 0, 1, 2, 0] });
		// Nothing in what a respondent's page receives names who voted what.
		const sent = JSON.stringify(await state(people[2]));
		for (const p of people) expect(sent).not.toContain(`"userId":${p.id}`);
		expect(await act('vote', people[2], { vector: 'recoverability', score: '2' })).toMatchObject({ kind: 'failure', status: 409 });
	});

	it('two leads recording a level at the same moment: one is written, the other told, nothing half-written', async () => {
		const v = await version();
		// A page still showing an earlier session (same version number, another session) is told, not obeyed.
		expect(await act('skip', lead, { version: v, session: '999999' })).toMatchObject({ kind: 'failure', status: 409 });
		const [a, b] = await Promise.all([
			act('agree', lead, { version: v, level: '4', note: 'Restores are tested monthly' }),
			act('agree', otherLead, { version: v, level: '2', note: 'Other view' })
		]);
		expect([a, b].filter((o) => o.kind === 'data')).toHaveLength(1);
		expect([a, b].filter((o) => o.kind === 'failure' && o.status === 409)).toHaveLength(1);
		const rows = await db().select().from(calibratedVector).where(eq(calibratedVector.technologyId, vaultId));
		expect(rows).toHaveLength(1);
		expect(await db().select().from(auditLog).where(eq(auditLog.action, 'calibration.agree'))).toHaveLength(1);
		const agreedLevel = rows[0].level;
		// The agreed level replaces the median in the stored results, the spread and the old median stay.
		const [result] = (await storedResults(roundId)).filter((r) => r.technologyId === vaultId);
		expect(result.vectors.recoverability).toMatchObject({ median: agreedLevel, calibratedFrom: 3, min: 1, max: 5, disagreement: true });
		const s = await state(people[0]);
		expect(s.session).toMatchObject({ phase: 'voting', position: 1, current: { key: 'stability', votes: 0 } });
		expect(s.agreed).toEqual([{ key: 'recoverability', name: 'Recoverability', level: agreedLevel, from: 3, note: rows[0].note }]);
	});

	it('an agreed level needs a level 0–5 and a revealed vote', async () => {
		expect(await act('agree', lead, { version: await version(), level: '3' })).toMatchObject({ kind: 'failure', status: 409 });
		expect(await act('agree', lead, { version: await version(), level: '9' })).toMatchObject({ kind: 'failure', status: 400 });
	});

	it('the last vector ends the session, and closing the round builds the backlog from the agreed levels', async () => {
		for (const p of people) await act('vote', p, { vector: 'stability', score: '2' });
		expect(dataOf(await act('reveal', lead, { version: await version() }))).toEqual({ done: true });
		expect(dataOf(await act('agree', lead, { version: await version(), level: '2', note: '' }))).toEqual({ done: true });
		expect((await state(lead)).session!.phase).toBe('ended');
		expect(await db().select().from(auditLog).where(eq(auditLog.action, 'calibration.end'))).toHaveLength(1);
		expect(
			dataOf(await run(roundPage.actions.close, fakeEvent({ user: lead, params: { id: String(roundId) }, form: { confirm: 'yes' } })))
		).toEqual({
			done: true
		});
		const items = await db()
			.select()
			.from(remediationItem)
			.where(and(eq(remediationItem.technologyId, vaultId), eq(remediationItem.vectorKey, 'stability')));
		// Stability was 2, 4, 4 (median 4, the target) and agreed at 2: one gap item from 2 to the target 4, no "calibrate" item.
		expect(items.map((i) => [i.kind, i.currentLevel, i.gap])).toEqual([['gap', 2, 2]]);
		// Once the round is closed, nothing more is calibrated.
		expect(await act('start', lead)).toMatchObject({ kind: 'failure', status: 409 });
	});

	it('streams changes as Server-Sent Events', async () => {
		const [t] = await db().select().from(technology).where(eq(technology.id, vaultId));
		const res = await events.GET(fakeEvent({ user: people[0], params: { id: String(roundId), slug: t.slug } }));
		expect(res.headers.get('content-type')).toBe('text/event-stream');
		const reader = res.body!.getReader();
		const first = new TextDecoder().decode((await reader.read()).value);
		expect(first).toContain('event: change\ndata: connected');
		await db().transaction(async (tx) => {
			const { publish } = await import('../../src/lib/server/db/notify');
			await publish(tx, calibrationTopic(roundId, vaultId), '42');
		});
		const next = new TextDecoder().decode((await reader.read()).value);
		expect(next).toBe('event: change\ndata: 42\n\n');
		await reader.cancel();
		// The stream lets go of its subscription once the client leaves.
		await expect.poll(() => subscriberCount()).toBe(0);
	});
});
