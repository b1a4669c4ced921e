import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import { appUser, auditLog, mailMessage, round } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import * as account from '../../src/routes/(app)/account/+page.server';
import * as outbox from '../../src/routes/(app)/admin/outbox/+page.server';
import * as roundPage from '../../src/routes/(app)/rounds/[id=id]/+page.server';
import * as unsubscribePage from '../../src/routes/(auth)/unsubscribe/[token]/+page.server';
import { pendingMailIds } from '../../src/lib/server/queries/mail-outbox';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow, unsubscribeTokenRow } from '../helpers/factories';

useTestDatabase();

let admin: SessionUser, member: SessionUser, token: string;

beforeAll(async () => {
	admin = await createUserRow('admin');
	member = await createUserRow('member');
	token = await unsubscribeTokenRow(member.id);
});

afterAll(() => {
	delete env.SMTP_URL;
});

const optOutOf = async (id: number) => (await db().select({ o: appUser.mailOptOut }).from(appUser).where(eq(appUser.id, id)))[0].o;

describe('email choices on /account', () => {
	it('shows every kind ticked at first, saves the unticked ones as turned off, and refuses unknown kinds', async () => {
		const before = dataOf(await run(account.load, fakeEvent({ user: member })));
		expect((before.mail as { key: string; wanted: boolean }[]).map((m) => [m.key, m.wanted])).toEqual([
			['round_opened', true],
			['reminder', true],
			['digest', true],
			['report_ready', true]
		]);
		expect(await run(account.actions.mail, fakeEvent({ user: member, form: { wanted: ['round_opened', 'report_ready'] } }))).toMatchObject({
			kind: 'data',
			data: { mailSaved: true }
		});
		expect(await optOutOf(member.id)).toEqual(['reminder', 'digest']);
		const bad = await run(account.actions.mail, fakeEvent({ user: member, form: { wanted: ['round_opened', 'password'] } }));
		expect(bad).toMatchObject({ kind: 'failure', status: 400, data: { errors: { wanted: 'Tick only the emails listed.' } } });
		expect(await optOutOf(member.id)).toEqual(['reminder', 'digest']);
		// No box ticked: every kind off.
		await run(account.actions.mail, fakeEvent({ user: member, form: {} }));
		expect(await optOutOf(member.id)).toEqual(['round_opened', 'reminder', 'digest', 'report_ready']);
		await run(account.actions.mail, fakeEvent({ user: member, form: { wanted: ['round_opened', 'reminder', 'digest', 'report_ready'] } }));
		expect(await optOutOf(member.id)).toEqual([]);
	});
});

describe('the unsubscribe link', () => {
	const event = <E>(t: string, kind: string) => fakeEvent<E>({ user: null, params: { token: t }, url: `/unsubscribe/${t}?kind=${kind}` });

	it('names the person and the kind, and turns only that kind off, signed out, once', async () => {
		expect(dataOf(await run(unsubscribePage.load, event(token, 'digest')))).toEqual({
			email: member.email,
			kind: 'digest',
			label: 'Weekly digest of open rounds (leads)',
			already: false
		});
		expect(await run(unsubscribePage.actions.default, event(token, 'digest'))).toMatchObject({ kind: 'data' });
		expect(await run(unsubscribePage.actions.default, event(token, 'digest'))).toMatchObject({ kind: 'data' });
		expect(await optOutOf(member.id)).toEqual(['digest']);
		const audit = await db().select().from(auditLog).where(eq(auditLog.action, 'user.unsubscribe'));
		expect(audit.length).toBe(2);
	});

	it('a wrong token or kind is a plain 404, never a change', async () => {
		for (const [t, kind] of [
			['not-a-uuid', 'digest'],
			['00000000-0000-4000-8000-000000000000', 'digest'],
			[token, 'password'],
			[token, '']
		]) {
			expect(await run(unsubscribePage.load, event(t, kind))).toMatchObject({ kind: 'error', status: 404 });
			expect(await run(unsubscribePage.actions.default, event(t, kind))).toMatchObject({ kind: 'error', status: 404 });
		}
		expect(await optOutOf(member.id)).toEqual(['digest']);
	});
});

describe('the outbox', () => {
	it('lists messages with counts per state and filters by state', async () => {
		await db()
			.insert(mailMessage)
			.values([
				{
					dedupeKey: 'a',
					kind: 'digest',
					recipientEmail: 'a@example.com',
					subject: 'Held one',
					textBody: 'T',
					htmlBody: 'H',
					status: 'held'
				},
				{
					dedupeKey: 'b',
					kind: 'reminder',
					recipientEmail: 'b@example.com',
					subject: 'Failed one',
					textBody: 'T',
					htmlBody: 'H',
					status: 'failed',
					lastError: '451 busy'
				}
			]);
		const all = dataOf(await run(outbox.load, fakeEvent({ user: admin, url: '/admin/outbox' })));
		expect(all).toMatchObject({ total: 2, counts: { held: 1, failed: 1 }, smtp: false, page: 1, pages: 1 });
		const failed = dataOf(await run(outbox.load, fakeEvent({ user: admin, url: '/admin/outbox?status=failed&page=x' })));
		expect((failed.rows as { subject: string; lastError: string }[]).map((r) => [r.subject, r.lastError])).toEqual([
			['Failed one', '451 busy']
		]);
	});

	it('sends a failed message again only with a mail server, and only a failed one', async () => {
		const [failed] = await db().select().from(mailMessage).where(eq(mailMessage.dedupeKey, 'b'));
		const [held] = await db().select().from(mailMessage).where(eq(mailMessage.dedupeKey, 'a'));
		const retry = (id: number) => run(outbox.actions.retry, fakeEvent({ user: admin, form: { messageId: String(id) } }));
		expect(await retry(failed.id)).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { errors: { form: expect.stringContaining('SMTP_URL') } }
		});
		env.SMTP_URL = 'smtp://127.0.0.1:9';
		expect(await retry(held.id)).toMatchObject({ kind: 'failure', status: 409 });
		expect(await retry(failed.id)).toMatchObject({ kind: 'data', data: { retried: failed.id } });
		const [after] = await db().select().from(mailMessage).where(eq(mailMessage.id, failed.id));
		expect(after).toMatchObject({ status: 'queued', lastError: null });
		expect(await db().select().from(auditLog).where(eq(auditLog.action, 'mail.retry'))).toEqual([
			expect.objectContaining({ actorId: admin.id, entityId: String(failed.id) })
		]);
		// Nothing picked it up (no queue runs here): the periodic sweep will, once it is old enough.
		expect(await pendingMailIds(0)).toContain(failed.id);
		expect(await pendingMailIds(3600)).not.toContain(failed.id);
	});
});

describe('reminders per round', () => {
	it('a lead sets them off, or 2, 5 or 7 days before the due date; anything else is refused', async () => {
		const lead = await createUserRow('lead');
		const tech = await createTechnologyRow('Reminded');
		const r = await createRoundRow('open', [{ technologyId: tech.id, userIds: [member.id] }]);
		const details = (reminderDays: string) =>
			run(
				roundPage.actions.details,
				fakeEvent({ user: lead, params: { id: String(r.id) }, form: { name: r.name, dueDate: '2027-01-15', reminderDays } })
			);
		const stored = async () => (await db().select({ d: round.reminderDays }).from(round).where(eq(round.id, r.id)))[0].d;
		expect(await stored()).toBe(2);
		expect(dataOf(await details('7'))).toEqual({ done: true });
		expect(await stored()).toBe(7);
		expect(dataOf(await details('off'))).toEqual({ done: true });
		expect(await stored()).toBe(null);
		expect(await details('3')).toMatchObject({
			kind: 'failure',
			status: 400,
			data: { errors: { reminderDays: 'Choose when to remind people.' } }
		});
		expect(await stored()).toBe(null);
	});
});
