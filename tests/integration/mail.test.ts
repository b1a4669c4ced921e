import { eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import { appUser, mailMessage, round } from '../../src/lib/server/db/schema';
import { changeRoundState } from '../../src/lib/server/queries/round-state';
import { recordDigests, recordReminders } from '../../src/lib/server/queries/mail-occasions';
import { createInvitation } from '../../src/lib/server/queries/users';
import { deliverMail } from '../../src/lib/server/mail/sender';
import { hashToken, type SessionUser } from '../../src/lib/server/auth/session';
import { useTestDatabase } from '../helpers/db';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow, submitResponseRow } from '../helpers/factories';
import { startSmtp } from '../helpers/smtp';

useTestDatabase();

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let lead: SessionUser, ana: SessionUser, ben: SessionUser, cy: SessionUser, quiet: SessionUser;
let kafka: { id: number }, redis: { id: number }, nagios: { id: number };
const ORIGIN = 'https://maturity.example.com';
/** Digests cover rounds open when their week began: for these, opened today, that is a week that starts tomorrow. */
const tomorrow = new Date(Date.now() + 86_400_000);

beforeAll(async () => {
	smtp = await startSmtp();
	env.ORIGIN = ORIGIN;
	delete env.SMTP_URL;
	const team = await createTeamRow('Streaming');
	lead = await createUserRow('lead', { teamIds: [team.id], name: 'Lea Lead' });
	ana = await createUserRow('member', { teamIds: [team.id], name: 'Ana' });
	ben = await createUserRow('member', { teamIds: [team.id], name: 'Ben' });
	cy = await createUserRow('member', { name: 'Cy' });
	quiet = await createUserRow('member', { name: 'Quiet' });
	await db()
		.update(appUser)
		.set({ mailOptOut: ['round_opened', 'reminder', 'report_ready'] })
		.where(eq(appUser.id, quiet.id));
	kafka = await createTechnologyRow('Kafka', team.id);
	redis = await createTechnologyRow('Redis', team.id);
	nagios = await createTechnologyRow('Nagios');
});

beforeEach(() => {
	smtp.received.length = 0;
	smtp.state.refuse = false;
	smtp.state.reject = false;
});

afterAll(async () => {
	delete env.SMTP_URL;
	delete env.ORIGIN;
	await smtp.close();
});

const messages = (roundId: number) => db().select().from(mailMessage).where(eq(mailMessage.roundId, roundId)).orderBy(mailMessage.id);
const transport = () => nodemailer.createTransport(smtp.url);

async function openRound(due: string | null = null, reminderDays = 2) {
	const inactive = await createUserRow('member', { active: false });
	const r = await createRoundRow('draft', [
		{ technologyId: kafka.id, userIds: [ana.id, ben.id] },
		{ technologyId: redis.id, userIds: [ana.id, quiet.id] },
		{ technologyId: nagios.id, userIds: [cy.id, inactive.id] }
	]);
	await db().update(round).set({ dueDate: due, reminderDays }).where(eq(round.id, r.id));
	expect(await changeRoundState(lead.id, r.id, 'open')).toBe('ok');
	return r;
}

describe('round opened', () => {
	it('tells each active person once, listing every technology they are asked to score; without SMTP it is held in the outbox', async () => {
		const r = await openRound('2026-12-15');
		const rows = await messages(r.id);
		expect(rows.map((m) => [m.recipientEmail, m.kind, m.status, m.subject])).toEqual([
			[ana.email, 'round_opened', 'held', 'Round opened: you are asked to score 2 technologies'],
			[ben.email, 'round_opened', 'held', 'Round opened: you are asked to score 1 technology'],
			[cy.email, 'round_opened', 'held', 'Round opened: you are asked to score 1 technology']
		]);
		const toAna = rows[0];
		expect(toAna.textBody).toContain(`${ORIGIN}/rounds/${r.id}/assess/kafka`);
		expect(toAna.textBody).toContain(`${ORIGIN}/rounds/${r.id}/assess/redis`);
		expect(toAna.textBody).toContain('by 15 Dec 2026');
		expect(toAna.htmlBody).toContain(`href="${ORIGIN}/rounds/${r.id}/assess/kafka"`);
		// Each message has its own unsubscribe token; only its hash is kept once the message is sent.
		const token = /^https:\/\/maturity\.example\.com\/unsubscribe\/([0-9a-f-]{36})\?kind=round_opened$/.exec(toAna.unsubscribeUrl!)![1];
		expect(toAna.unsubscribeTokenHash).toBe(hashToken(token));
		expect(new Set(rows.map((m) => m.unsubscribeUrl)).size).toBe(rows.length);
	});

	it('with SMTP, is queued and arrives over SMTP as text and HTML with an unsubscribe header; a second send of the same message does nothing', async () => {
		env.SMTP_URL = smtp.url;
		const r = await openRound();
		const rows = await messages(r.id);
		expect(rows.every((m) => m.status === 'queued')).toBe(true);
		const via = transport();
		for (const m of rows) expect(await deliverMail(m.id, via)).toBe('sent');
		expect(await deliverMail(rows[0].id, via)).toBe('not-claimed');
		const got = await smtp.waitFor(3);
		expect(got.map((g) => g.to[0]).sort()).toEqual([ana.email, ben.email, cy.email].sort());
		const toAna = got.find((g) => g.to[0] === ana.email)!.mail;
		expect(toAna.subject).toBe('Round opened: you are asked to score 2 technologies');
		expect(toAna.text).toContain(`${ORIGIN}/rounds/${r.id}/assess/kafka`);
		expect(toAna.html).toContain(`href="${ORIGIN}/rounds/${r.id}/assess/redis"`);
		const header = (key: string) => toAna.headerLines.find((h) => h.key === key)?.line.replace(/\r\n\s+/g, ' ');
		expect(header('list-unsubscribe')).toMatch(new RegExp(`^List-Unsubscribe: <${ORIGIN}/unsubscribe/[0-9a-f-]{36}\\?kind=round_opened>$`));
		expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
		const after = await messages(r.id);
		expect(after.map((m) => [m.status, m.attempts])).toEqual(rows.map(() => ['sent', 1]));
	});

	it('a failing SMTP server leaves the message failed with its reason; the retry sends it once', async () => {
		env.SMTP_URL = smtp.url;
		const r = await openRound();
		const [first] = await messages(r.id);
		smtp.state.refuse = true;
		await expect(deliverMail(first.id, transport())).rejects.toThrow();
		let [row] = await db().select().from(mailMessage).where(eq(mailMessage.id, first.id));
		expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('451') });
		smtp.state.refuse = false;
		expect(await deliverMail(first.id, transport())).toBe('sent');
		[row] = await db().select().from(mailMessage).where(eq(mailMessage.id, first.id));
		expect(row).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
		expect((await smtp.waitFor(1)).length).toBe(1);
	});
});

describe('a permanent refusal', () => {
	it('(550, no such mailbox) is not retried: the message stays failed with the reason', async () => {
		env.SMTP_URL = smtp.url;
		const r = await openRound();
		const [first] = await messages(r.id);
		smtp.state.reject = true;
		expect(await deliverMail(first.id, transport())).toBe('rejected');
		const [row] = await db().select().from(mailMessage).where(eq(mailMessage.id, first.id));
		expect(row).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });
		smtp.state.reject = false;
	});
});

describe('reminders, overdue notices, digests and the report', () => {
	let id: number;
	beforeAll(async () => {
		delete env.SMTP_URL;
		id = (await openRound('2026-12-10', 5)).id;
		await submitResponseRow(id, kafka.id, ben.id, () => 3);
	});

	it('remind those who have not submitted, from the round’s reminder days before the due date, once per person and due date', async () => {
		expect(await recordReminders('2026-12-04')).toEqual([]);
		const ids = await recordReminders('2026-12-05');
		const rows = (await messages(id)).filter((m) => ids.includes(m.id));
		expect(rows.map((m) => [m.recipientEmail, m.subject])).toEqual([
			[ana.email, 'Reminder: 2 assessments due by 10 Dec 2026'],
			[cy.email, 'Reminder: 1 assessment due by 10 Dec 2026']
		]);
		expect(await recordReminders('2026-12-06')).toEqual([]);
		// A later due date is a new occasion.
		await db().update(round).set({ dueDate: '2026-12-12' }).where(eq(round.id, id));
		expect((await recordReminders('2026-12-07')).length).toBe(2);
		await db().update(round).set({ dueDate: '2026-12-10' }).where(eq(round.id, id));
	});

	it('after the due date, one overdue notice; a round with reminders off sends neither', async () => {
		const ids = await recordReminders('2026-12-11');
		const rows = (await messages(id)).filter((m) => ids.includes(m.id));
		expect(rows.map((m) => [m.kind, m.recipientEmail])).toEqual([
			['overdue', ana.email],
			['overdue', cy.email]
		]);
		expect(rows[0].subject).toMatch(/^Overdue: 2 assessments in “Round \d+”$/);
		await db().update(round).set({ dueDate: '2026-12-20', reminderDays: null }).where(eq(round.id, id));
		const later = await recordReminders('2026-12-19');
		expect((await messages(id)).filter((m) => later.includes(m.id))).toEqual([]);
	});

	it('the weekly digest goes to the leads of the teams owning technologies, once a week', async () => {
		// A round that opened after its week began waits for the next week's digest.
		expect(await recordDigests('2026-W48', new Date(Date.now() - 86_400_000))).toEqual([]);
		const ids = await recordDigests('2026-W49', tomorrow);
		const rows = (await messages(id)).filter((m) => ids.includes(m.id));
		expect(rows.map((m) => m.recipientEmail)).toEqual([lead.email]);
		expect(rows[0].subject).toBe(
			`Weekly digest: “${(await db().select().from(round).where(eq(round.id, id)))[0].name}”, 1 of 4 responses submitted`
		);
		expect(rows[0].textBody).toContain('Kafka | 1 of 2 | Ana');
		expect(rows[0].textBody).toContain('Redis | 0 of 2 | Ana, Quiet');
		expect(rows[0].textBody).not.toContain('Nagios');
		expect(await recordDigests('2026-W49', tomorrow)).toEqual([]);
	});

	it('closing tells respondents and owning leads the report is ready', async () => {
		expect(await changeRoundState(lead.id, id, 'closed')).toBe('ok');
		const rows = (await messages(id)).filter((m) => m.kind === 'report_ready');
		expect(rows.map((m) => m.recipientEmail).sort()).toEqual([lead.email, ana.email, ben.email, cy.email].sort());
		expect(rows[0].textBody).toContain(`${ORIGIN}/rounds/${id}/report`);
	});
});

describe('invitation', () => {
	it('is emailed with its link, and the stored copy loses the link once sent', async () => {
		env.SMTP_URL = smtp.url;
		const admin = await createUserRow('admin', { name: 'Ada Admin' });
		const token = await createInvitation(admin.id, { email: 'new.person@example.com', role: 'member', teamIds: [] });
		const [row] = await db().select().from(mailMessage).where(eq(mailMessage.recipientEmail, 'new.person@example.com'));
		expect(row).toMatchObject({ kind: 'invitation', status: 'queued', unsubscribeUrl: null });
		expect(row.textBody).toContain(`${ORIGIN}/invite/${token}`);
		expect(row.textBody).toContain('Ada Admin invited you to Opsmaturity as a member.');
		expect(await deliverMail(row.id, transport())).toBe('sent');
		const [got] = await smtp.waitFor(1);
		expect(got.mail.text).toContain(`${ORIGIN}/invite/${token}`);
		expect(got.mail.headers.has('list')).toBe(false);
		const [stored] = await db().select().from(mailMessage).where(eq(mailMessage.id, row.id));
		expect(stored.textBody).not.toContain(token);
		expect(stored.htmlBody).not.toContain(token);
		// Without a mail server the copy is never sent: it keeps no link from the start (the admin was shown it).
		delete env.SMTP_URL;
		const heldToken = await createInvitation(admin.id, { email: 'held.person@example.com', role: 'member', teamIds: [] });
		const [held] = await db().select().from(mailMessage).where(eq(mailMessage.recipientEmail, 'held.person@example.com'));
		expect(held).toMatchObject({ status: 'held', textBody: expect.stringContaining('/invite/(link shown to the admin who invited)') });
		expect(held.textBody + held.htmlBody).not.toContain(heldToken);
	});
});
