import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { env } from '#lib/server/env.ts';
import { migrateDatabase, openDatabase, rowsOf, type DatabaseHandle, type DatabaseOptions } from '../src/lib/server/db/client';
import { db, useDatabase } from '../src/lib/server/db';
import { mailQueues } from '../src/lib/server/jobs/mail-jobs';
import { startQueue, stopQueue, type QueueDatabase } from '../src/lib/server/jobs/queue';
import { closeSmtpTransport } from '../src/lib/server/mail/sender';
import { ensureFramework } from '../src/lib/server/queries/framework';
import { changeRoundState } from '../src/lib/server/queries/round-state';
import { ms } from './stats';
import { withScratchDatabase } from './scratch';

const TECHNOLOGIES = 1000;
const RESPONDENTS = 20;

/**
 * A round of 1,000 technologies × 20 respondents opens, each technology with its own 20 people:
 * 20,000 "round opened" emails, recorded in the outbox with the round's opening, handed to the
 * job queue, and sent over SMTP to a server on loopback that only counts them.
 */
async function seedDistinctRespondents() {
	await ensureFramework();
	await db().execute(
		sql`insert into app_user (email, name, password_hash, role) values ('bench-lead@example.com', 'Bench Lead', '', 'lead')`
	);
	await db().execute(sql`insert into team (name) select 'Bench team ' || i from generate_series(1, ${TECHNOLOGIES}) i`);
	await db().execute(
		sql`insert into app_user (email, name, password_hash, role) select 'person' || i || '@example.com', 'Person ' || i, '', 'member' from generate_series(1, ${TECHNOLOGIES * RESPONDENTS}) i`
	);
	await db().execute(sql`
		insert into user_team (user_id, team_id)
		select u.id, t.id from app_user u join team t on t.name = 'Bench team ' || (1 + (substring(u.email from 'person(\\d+)@')::int - 1) / ${RESPONDENTS})
		where u.role = 'member'`);
	await db().execute(
		sql`insert into technology (slug, name, category, target_level, team_id) select 'bench-' || i, 'Bench ' || i, 'databases', 3, (select id from team where name = 'Bench team ' || i) from generate_series(1, ${TECHNOLOGIES}) i`
	);
	await db().execute(
		sql`insert into round (name, framework_version_id, state, due_date) select 'Mail bench round', id, 'draft', current_date + 14 from framework_version limit 1`
	);
	await db().execute(sql`insert into round_technology (round_id, technology_id) select r.id, t.id from round r, technology t`);
	await db().execute(sql`
		insert into assignment (round_id, technology_id, user_id)
		select r.id, t.id, ut.user_id from round r, technology t join user_team ut on ut.team_id = t.team_id`);
	const [{ round, lead }] = rowsOf<{ round: number; lead: number }>(
		await db().execute(sql`select (select id from round) as round, (select id from app_user where role = 'lead') as lead`)
	);
	return { roundId: Number(round), leadId: Number(lead) };
}

async function startSink() {
	const state = { received: 0 };
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ['STARTTLS'],
		logger: false,
		onData(stream, _session, callback) {
			stream.resume();
			stream.on('end', () => {
				state.received++;
				callback();
			});
		}
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
	return { state, url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function measure(label: string, handle: DatabaseHandle, queueDb: QueueDatabase): Promise<string> {
	useDatabase(handle);
	const sink = await startSink();
	env.SMTP_URL = sink.url;
	env.ORIGIN = 'https://maturity.example.com';
	try {
		const { roundId, leadId } = await seedDistinctRespondents();
		await startQueue(queueDb, mailQueues());
		const opened = performance.now();
		if ((await changeRoundState(leadId, roundId, 'open')) !== 'ok') throw new Error('the round did not open');
		const enqueued = performance.now();
		const [{ n }] = rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from mail_message where round_id = ${roundId}`));
		const deadline = Date.now() + 15 * 60_000;
		for (;;) {
			const [{ sent }] = rowsOf<{ sent: number }>(
				await db().execute(sql`select count(*)::int as sent from mail_message where round_id = ${roundId} and status = 'sent'`)
			);
			if (Number(sent) === Number(n)) break;
			if (Date.now() > deadline) throw new Error(`only ${sent} of ${n} sent after 15 minutes`);
			await new Promise((r) => setTimeout(r, 200));
		}
		const sent = performance.now();
		const rate = (Number(n) / ((sent - enqueued) / 1000)).toFixed(0);
		return `  ${label}: ${Number(n).toLocaleString('en')} emails; opening the round with recording and enqueueing them ${ms(enqueued - opened)}; sending all ${ms(sent - enqueued)} (${rate}/s); the SMTP server received ${sink.state.received.toLocaleString('en')}`;
	} finally {
		await stopQueue();
		closeSmtpTransport();
		await sink.close();
		delete env.SMTP_URL;
		delete env.ORIGIN;
		useDatabase(undefined);
	}
}

export async function benchMail(pgUrl?: string): Promise<string[]> {
	const lines = [
		`mail benchmark: a round of ${TECHNOLOGIES.toLocaleString('en')} technologies × ${RESPONDENTS} respondents opens, each technology with its own people`
	];
	if (pgUrl)
		await withScratchDatabase(pgUrl, 'opsm_bench_mail', async (url) => {
			const options: DatabaseOptions = { kind: 'postgres', url };
			const handle = await openDatabase(options);
			try {
				await migrateDatabase(options, handle);
				lines.push(await measure('PostgreSQL', handle, { kind: 'postgres', url }));
			} finally {
				await handle.close();
			}
		});
	if (process.env.BENCH_PGLITE !== '0') {
		const dir = mkdtempSync(path.join(tmpdir(), 'opsm-bench-mail-'));
		const options: DatabaseOptions = { kind: 'pglite', dataDir: path.join(dir, 'embedded') };
		const handle = await openDatabase(options);
		try {
			await migrateDatabase(options, handle);
			lines.push(await measure('embedded database', handle, { kind: 'pglite', client: handle.pglite! }));
		} finally {
			await handle.close();
			rmSync(dir, { recursive: true, force: true });
		}
	}
	return lines;
}
