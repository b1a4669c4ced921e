import { env } from '#lib/server/env.ts';
import { databaseHandle } from '#lib/server/db/index.ts';
import { closeSmtpTransport } from '#lib/server/mail/sender.ts';
import { MAIL_SCAN, mailQueues } from './mail-jobs';
import { enqueue, startQueue, stopQueue } from './queue';
import { webhookQueues } from './webhook-jobs';
import { signalQueues } from './signal-jobs';

let started = false;

/** Starts the queues and schedules of this instance, on the database the app opened. */
export async function startJobs() {
	if (started) return;
	const handle = databaseHandle();
	if (!handle) throw new Error('database not started');
	const database =
		handle.kind === 'pglite' && handle.pglite
			? { kind: 'pglite' as const, client: handle.pglite }
			: { kind: 'postgres' as const, url: env.DATABASE_URL! };
	await startQueue(database, [...mailQueues(), ...webhookQueues(), ...signalQueues()]);
	started = true;
	// Catch up at once on what fell due while no instance ran, instead of at the next 10-minute slot.
	await enqueue(MAIL_SCAN, [{}]);
}

export async function stopJobs() {
	started = false;
	await stopQueue();
	closeSmtpTransport();
}
