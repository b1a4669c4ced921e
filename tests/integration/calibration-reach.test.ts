import { eq, like } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import { appUser, calibrationSession, mailMessage } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { recordCalibrationStartedMail } from '../../src/lib/server/queries/mail-occasions';
import { refreshResults } from '../../src/lib/server/queries/results';
import * as page from '../../src/routes/(app)/rounds/[id=id]/calibrate/[slug]/+page.server';
import * as dashboard from '../../src/routes/(app)/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';

useTestDatabase();

const ORIGIN = 'https://maturity.example.com';
let lead: SessionUser, ana: SessionUser, ben: SessionUser, quiet: SessionUser, late: SessionUser;
let roundId: number, vaultId: number;

beforeAll(async () => {
	env.ORIGIN = ORIGIN;
	delete env.SMTP_URL;
	lead = await createUserRow('lead', { name: 'Lea Lead' });
	ana = await createUserRow('member', { name: 'Ana' });
	ben = await createUserRow('member', { name: 'Ben' });
	quiet = await createUserRow('member', { name: 'Quiet' });
	late = await createUserRow('member', { name: 'Late' });
	await db()
		.update(appUser)
		.set({ mailOptOut: ['round_opened'] })
		.where(eq(appUser.id, quiet.id));
	const vault = await createTechnologyRow('Vault');
	const pair = await createTechnologyRow('Pair');
	vaultId = vault.id;
	roundId = (
		await createRoundRow(
			'open',
			[
				// Three answered Vault (one turned these emails off); Late was asked but has not submitted.
				{ technologyId: vault.id, userIds: [ana.id, ben.id, quiet.id, late.id] },
				// Only two answered Pair: below the anonymity threshold of 3.
				{ technologyId: pair.id, userIds: [ana.id, ben.id] }
			],
			'2026 Q4'
		)
	).id;
	for (const [i, p] of [ana, ben, quiet].entries())
		await submitResponseRow(roundId, vault.id, p.id, (k) => (k === 'stability' ? [1, 3, 5][i] : 3));
	for (const [i, p] of [ana, ben].entries()) await submitResponseRow(roundId, pair.id, p.id, (k) => (k === 'stability' ? [1, 4][i] : 3));
	await db().transaction((tx) => refreshResults(tx, { roundId }));
});

const params = (slug: string) => ({ id: String(roundId), slug });
const start = async (slug: string) => dataOf(await run(page.actions.start, fakeEvent({ user: lead, params: params(slug) })));
type State = {
	participants: number;
	firstAnswersHeld: { threshold: number; fromRespondents: boolean } | null;
	session: { current: { originalDistribution: number[] | null } | null } | null;
};
const state = async (user: SessionUser, slug: string) =>
	dataOf<{ state: State }>(await run(page.load, fakeEvent({ user, params: params(slug) }))).state;
const cards = async (user: SessionUser) =>
	dataOf<{ calibrations: { technology: string; roundName: string; roundId: number; slug: string }[] }>(
		await run(dashboard.load, fakeEvent({ user }))
	).calibrations;

describe('when a lead starts a calibration session', () => {
	it('emails each respondent who can vote once, not the lead, not those who turned it off or have not submitted', async () => {
		expect(await start('vault')).toEqual({ done: true });
		const mails = await db().select().from(mailMessage).where(like(mailMessage.dedupeKey, 'calibration:%')).orderBy(mailMessage.id);
		expect(mails.map((m) => [m.recipientEmail, m.kind, m.status])).toEqual([
			[ana.email, 'calibration_started', 'held'],
			[ben.email, 'calibration_started', 'held']
		]);
		const [toAna] = mails;
		expect(toAna.subject).toBe('Calibration of Vault has started: join now');
		expect(toAna.textBody).toContain('Lea Lead started a calibration session for Vault in the round “2026 Q4”.');
		expect(toAna.textBody).toContain('1 vector are two or more levels apart: Stability.');
		expect(toAna.textBody).toContain(`${ORIGIN}/rounds/${roundId}/calibrate/vault`);
		expect(toAna.unsubscribeUrl).toMatch(/\/unsubscribe\/[0-9a-f-]{36}\?kind=round_opened$/);
	});

	it('records the messages of a session once, however often it is decided again', async () => {
		const [session] = await db().select().from(calibrationSession).where(eq(calibrationSession.technologyId, vaultId));
		const again = await db().transaction((tx) =>
			recordCalibrationStartedMail(tx, { id: session.id, roundId, technologyId: vaultId, leadId: lead.id, vectors: ['Stability'] })
		);
		expect(again).toEqual([]);
		expect(await db().select().from(mailMessage).where(like(mailMessage.dedupeKey, 'calibration:%'))).toHaveLength(2);
	});

	it('puts a card on the dashboard of each respondent who can vote, until the session ends', async () => {
		expect(await cards(ana)).toEqual([{ roundId, roundName: '2026 Q4', slug: 'vault', technology: 'Vault' }]);
		expect(await cards(late)).toEqual([]);
		expect(await cards(lead)).toEqual([]);
		const [session] = await db().select().from(calibrationSession).where(eq(calibrationSession.technologyId, vaultId));
		const ended = await run(
			page.actions.end,
			fakeEvent({ user: lead, params: params('vault'), form: { session: String(session.id), version: String(session.version) } })
		);
		expect(dataOf(ended)).toEqual({ done: true });
		expect(await cards(ana)).toEqual([]);
	});
});

describe('the first answers of a calibration below the anonymity threshold', () => {
	it('are held back from respondents, and the page is told what and why; shown to leads, who may see names', async () => {
		expect(await start('pair')).toEqual({ done: true });
		const member = await state(ana, 'pair');
		expect(member.participants).toBe(2);
		expect(member.session!.current!.originalDistribution).toBeNull();
		expect(member.firstAnswersHeld).toEqual({ threshold: 3, fromRespondents: true });
		const forLead = await state(lead, 'pair');
		expect(forLead.session!.current!.originalDistribution).toEqual([0, 1, 0, 0, 1, 0]);
		expect(forLead.firstAnswersHeld).toEqual({ threshold: 3, fromRespondents: false });
	});

	it('are shown to everyone once enough answered', async () => {
		expect(await start('vault')).toEqual({ done: true });
		const member = await state(ben, 'vault');
		expect(member.firstAnswersHeld).toBeNull();
		expect(member.session!.current!.originalDistribution).toEqual([0, 1, 0, 1, 0, 1]);
	});
});
