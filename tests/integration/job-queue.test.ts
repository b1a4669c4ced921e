import { eq, sql } from 'drizzle-orm';
import PgBoss10 from 'pg-boss-10';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import { rowsOf } from '../../src/lib/server/db/client';
import { mailMessage, round } from '../../src/lib/server/db/schema';
import { enqueue, startQueue, stopQueue, type QueueDatabase } from '../../src/lib/server/jobs/queue';
import { mailQueues, scanMail } from '../../src/lib/server/jobs/mail-jobs';
import { closeSmtpTransport } from '../../src/lib/server/mail/sender';
import { changeRoundState } from '../../src/lib/server/queries/round-state';
import { useTestDatabase } from '../helpers/db';
import { withDatabase } from '../helpers/global-setup';
import { createRoundRow, createTechnologyRow, createUserRow } from '../helpers/factories';
import { startSmtp } from '../helpers/smtp';

const state = useTestDatabase();
let smtp: Awaited<ReturnType<typeof startSmtp>>;

/** The database this file's app handle uses, as the job queue reaches it. */
const queueDatabase = (): QueueDatabase =>
	state.name
		? { kind: 'postgres', url: withDatabase(process.env.TEST_DATABASE_URL!, state.name) }
		: { kind: 'pglite', client: state.handle!.pglite! };

beforeAll(async () => {
	smtp = await startSmtp();
	env.SMTP_URL = smtp.url;
	env.ORIGIN = 'https://maturity.example.com';
});

afterEach(async () => {
	await stopQueue();
	closeSmtpTransport();
	smtp.received.length = 0;
});

afterAll(async () => {
	delete env.SMTP_URL;
	delete env.ORIGIN;
	await smtp.close();
});

async function until(check: () => Promise<boolean> | boolean, ms = 15_000) {
	const end = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 50));
	}
}

describe('the job queue (pg-boss) on this database', () => {
	it('runs a job, and retries one that fails until it succeeds', async () => {
		const seen: string[] = [];
		await startQueue(
			queueDatabase(),
			[
				{
					name: 'probe',
					retryLimit: 2,
					retryDelay: 1,
					handler: async ({ word }) => {
						seen.push(String(word));
						if (word === 'flaky' && seen.filter((w) => w === 'flaky').length === 1) throw new Error('first attempt fails');
					}
				}
			],
			{ pollingIntervalSeconds: 0.5 }
		);
		await enqueue('probe', [{ word: 'steady' }, { word: 'flaky' }]);
		await until(() => seen.filter((w) => w === 'flaky').length === 2);
		expect(seen.filter((w) => w === 'steady')).toEqual(['steady']);
	});

	it('takes over from the schema pg-boss 10 left, which pg-boss 12 cannot migrate, and runs jobs', async () => {
		// The schema exactly as pg-boss 10 created it (version 24), from pg-boss 10 itself.
		const plans = `drop schema if exists pgboss cascade; ${PgBoss10.getConstructionPlans('pgboss')}`;
		const database = queueDatabase();
		if (database.kind === 'pglite') await database.client.exec(plans);
		else {
			const client = postgres(database.url, { max: 1, onnotice: () => {} });
			await client.unsafe(plans).simple();
			await client.end();
		}
		const seen: string[] = [];
		await startQueue(database, [{ name: 'probe', handler: async ({ word }) => void seen.push(String(word)) }], {
			pollingIntervalSeconds: 0.5
		});
		await enqueue('probe', [{ word: 'after the upgrade' }]);
		await until(() => seen.length === 1);
		const [row] = rowsOf<{ version: number }>(await db().execute(sql`select version::int as version from pgboss.version`));
		expect(row.version).toBeGreaterThan(24);
	});

	it('sends the emails of an opened round through the queue to the SMTP server', async () => {
		await startQueue(queueDatabase(), mailQueues(), { pollingIntervalSeconds: 0.5 });
		const lead = await createUserRow('lead');
		const people = await Promise.all([1, 2, 3].map(() => createUserRow('member')));
		const tech = await createTechnologyRow('Queue Tech');
		const r = await createRoundRow('draft', [{ technologyId: tech.id, userIds: people.map((p) => p.id) }]);
		expect(await changeRoundState(lead.id, r.id, 'open')).toBe('ok');
		const got = await smtp.waitFor(3, 15_000);
		expect(got.map((g) => g.to[0]).sort()).toEqual(people.map((p) => p.email).sort());
		await until(async () => (await db().select().from(mailMessage).where(eq(mailMessage.roundId, r.id))).every((m) => m.status === 'sent'));
	});
});

describe.runIf(process.env.TEST_DATABASE_URL)('two instances on one PostgreSQL', () => {
	it('scanning at the same moment, each reminder is sent exactly once', async () => {
		const people = await Promise.all([1, 2, 3, 4, 5].map(() => createUserRow('member')));
		const techs = await Promise.all(['Twin A', 'Twin B'].map((n) => createTechnologyRow(n)));
		const r = await createRoundRow('open', [
			{ technologyId: techs[0].id, userIds: people.map((p) => p.id) },
			{ technologyId: techs[1].id, userIds: people.slice(0, 2).map((p) => p.id) }
		]);
		await db().update(round).set({ dueDate: '2026-12-10', reminderDays: 7 }).where(eq(round.id, r.id));
		// Two pg-boss instances, each with its own pool as two app processes would have, both working the mail queues.
		await startQueue(queueDatabase(), mailQueues(), { pollingIntervalSeconds: 0.5 });
		await startQueue(queueDatabase(), mailQueues(), { pollingIntervalSeconds: 0.5 });
		const at = new Date('2026-12-05T07:00:00Z');
		await Promise.all([scanMail(at), scanMail(at), scanMail(at)]);
		await smtp.waitFor(5, 15_000);
		// Time for any duplicate to arrive before counting.
		await new Promise((r) => setTimeout(r, 2500));
		const reminders = smtp.received.filter((m) => m.mail.subject?.startsWith('Reminder:'));
		expect(reminders.map((m) => m.to[0]).sort()).toEqual(people.map((p) => p.email).sort());
	});
});
