import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, stopServer, type Running } from '../helpers/server';
import { startSmtp } from '../helpers/smtp';

/**
 * Two app processes on one PostgreSQL start together; each runs its reminder scan at start and
 * works the mail queue. Every reminder must reach the SMTP server exactly once.
 */
const PG = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `opsm_e2e_mail_${process.pid}`;
const url = (() => {
	const u = new URL(PG);
	u.pathname = `/${name}`;
	return u.toString();
})();

let admin: postgres.Sql;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const servers: Running[] = [];

beforeAll(async () => {
	admin = postgres(PG, { max: 1, onnotice: () => {} });
	await admin.unsafe(`create database ${name}`);
	smtp = await startSmtp();
	// A first start migrates and seeds the demo data, without a mail server: nothing is sent.
	await stopServer(await startServer({ DATABASE_URL: url, SEED_DEMO: '1' }), true);
});

afterAll(async () => {
	for (const s of servers) await stopServer(s, true);
	await smtp?.close();
	await admin.unsafe(`drop database if exists ${name} with (force)`);
	await admin.end();
});

describe('two instances, one PostgreSQL', () => {
	it('starting at the same moment, both scan for reminders, and each reminder arrives once', async () => {
		const app = postgres(url, { max: 1, onnotice: () => {} });
		let expected: string[];
		try {
			// The open round is due tomorrow and reminds 2 days before: everyone who has not submitted is owed one.
			await app`update round set due_date = current_date + 1, reminder_days = 2 where state = 'open'`;
			await app`delete from mail_message`;
			const rows = await app<{ email: string }[]>`
				select distinct u.email from assignment a
				join round r on r.id = a.round_id and r.state = 'open'
				join app_user u on u.id = a.user_id and u.active
				left join response resp on resp.round_id = a.round_id and resp.technology_id = a.technology_id and resp.user_id = a.user_id
				where coalesce(resp.state, 'draft') <> 'submitted' order by 1`;
			expected = rows.map((r) => r.email);
		} finally {
			await app.end();
		}
		expect(expected.length).toBeGreaterThan(2);
		servers.push(...(await Promise.all([1, 2].map(() => startServer({ DATABASE_URL: url, SMTP_URL: smtp.url })))));
		await smtp.waitFor(expected.length, 30_000);
		// Room for a duplicate to arrive before counting.
		await new Promise((r) => setTimeout(r, 3000));
		const reminders = smtp.received.filter((m) => m.mail.subject?.startsWith('Reminder:'));
		expect(reminders.map((m) => m.to[0]).sort()).toEqual(expected);
	});
});
