import { isoWeek, isoDate } from '#lib/domain/format.ts';
import { smtpConfigured } from '#lib/server/mail/config.ts';
import { deliverMail } from '#lib/server/mail/sender.ts';
import { pendingMailIds } from '#lib/server/queries/mail-outbox.ts';
import { recordDigests, recordDueDigests, recordReminders } from '#lib/server/queries/mail-occasions.ts';
import { becameDue } from '#lib/server/views/due.ts';
import { enqueue, type QueueSpec } from './queue';

export const MAIL_SEND = 'mail-send';
export const MAIL_SCAN = 'mail-scan';

/** Sends what was just recorded; messages recorded as held (no SMTP) are not sent. */
export async function sendMail(ids: number[]) {
	if (smtpConfigured())
		await enqueue(
			MAIL_SEND,
			ids.map((id) => ({ id }))
		);
}

/** The digest's week turns on Monday at 07:00 UTC: from then, the week's digest is due. */
const DIGEST_HOUR_MS = 7 * 3600_000;

/**
 * Every 10 minutes (and as an instance starts): reminders that fell due, this week's digest if not
 * yet recorded, and messages recorded but never handed to the queue (a process that stopped
 * between its commit and its enqueue). Safe on every instance at once: the outbox's dedupe keys
 * and claims let each message out once, and a missed slot is caught up by the next scan.
 */
export async function scanMail(now = new Date()) {
	await sendMail(await recordReminders(isoDate(now)));
	const shifted = new Date(now.getTime() - DIGEST_HOUR_MS);
	const weekStarted = Date.UTC(shifted.getUTCFullYear(), shifted.getUTCMonth(), shifted.getUTCDate() - ((shifted.getUTCDay() + 6) % 7));
	await sendMail(await recordDigests(isoWeek(shifted), new Date(weekStarted + DIGEST_HOUR_MS)));
	await sendMail(await recordDueDigests(isoWeek(shifted), await becameDue(new Date(weekStarted))));
	await sendMail(await pendingMailIds(120));
}

export function mailQueues(): QueueSpec[] {
	const send: QueueSpec = {
		name: MAIL_SEND,
		// Sends overlap on the SMTP pool's connections; a full batch fetches the next at once.
		batchSize: 50,
		concurrency: 6,
		// 30 s, 1 min, 2 min … about 2 hours of attempts before the message stays failed in the outbox.
		retryLimit: 8,
		retryDelay: 30,
		handler: async ({ id }) => {
			await deliverMail(Number(id));
		}
	};
	return [...(smtpConfigured() ? [send] : []), { name: MAIL_SCAN, cron: '*/10 * * * *', handler: () => scanMail() }];
}
