import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import type { Database, Tx } from '#lib/server/db/client.ts';
import { mailMessage, type MailMessage } from '#lib/server/db/schema/index.ts';
import type { MailKind, MailState } from '#lib/domain/mail-kinds.ts';
import type { Rendered } from '#lib/server/mail/render.ts';
import { recordAudit } from './audit';

export type NewMail = {
	dedupeKey: string;
	kind: MailKind;
	recipientUserId: number | null;
	recipientEmail: string;
	roundId: number | null;
	rendered: Rendered;
	unsubscribeUrl: string | null;
	unsubscribeTokenHash: string | null;
};

/** Rows per insert: ten parameters each, far below PostgreSQL's 65,535. */
const BATCH = 500;

/**
 * Records messages once per dedupe key; a key already recorded (by another instance, or an
 * earlier scan) is skipped. Returns the ids recorded now, which are the ones to send.
 */
export async function recordMail(tx: Tx | Database, mails: NewMail[], held: boolean): Promise<number[]> {
	const ids: number[] = [];
	for (let i = 0; i < mails.length; i += BATCH) {
		const rows = await tx
			.insert(mailMessage)
			.values(
				mails.slice(i, i + BATCH).map((m) => ({
					dedupeKey: m.dedupeKey,
					kind: m.kind,
					recipientUserId: m.recipientUserId,
					recipientEmail: m.recipientEmail,
					roundId: m.roundId,
					subject: m.rendered.subject,
					textBody: m.rendered.text,
					htmlBody: m.rendered.html,
					unsubscribeUrl: m.unsubscribeUrl,
					unsubscribeTokenHash: m.unsubscribeTokenHash,
					status: held ? ('held' as const) : ('queued' as const)
				}))
			)
			.onConflictDoNothing({ target: mailMessage.dedupeKey })
			.returning({ id: mailMessage.id });
		ids.push(...rows.map((r) => r.id));
	}
	return ids;
}

/** A claim older than this belongs to a sender that died mid-send; the message may be taken again. */
const STALE_CLAIM = sql`now() - interval '5 minutes'`;

/**
 * Takes a message for sending. Only one sender wins: a message that is sent, held, or being sent
 * by someone else is not returned, so a duplicated job cannot send it twice.
 */
export async function claimMail(id: number): Promise<MailMessage | undefined> {
	const [row] = await db()
		.update(mailMessage)
		.set({ status: 'sending', attempts: sql`${mailMessage.attempts} + 1`, claimedAt: sql`now()` })
		.where(
			and(
				eq(mailMessage.id, id),
				sql`(${mailMessage.status} in ('queued', 'failed') or (${mailMessage.status} = 'sending' and ${mailMessage.claimedAt} < ${STALE_CLAIM}))`
			)
		)
		.returning();
	return row;
}

/** An invitation's or unsubscribe link is a credential: once delivered, the stored copy no longer holds it. */
const REDACTED = '(link removed once the message was sent)';
const INVITE_LINK = '/invite/[A-Za-z0-9_-]+';

/** A copy of an invitation that will never be sent (no mail server) keeps no link: the inviting admin was shown it. */
export const withoutInvitationLinks = (body: string) =>
	body.replace(new RegExp(INVITE_LINK, 'g'), '/invite/(link shown to the admin who invited)');

export async function settleMail(message: Pick<MailMessage, 'id' | 'kind'>, outcome: { sent: true } | { sent: false; error: string }) {
	const redact = (body: typeof mailMessage.textBody | typeof mailMessage.htmlBody) =>
		sql`regexp_replace(${body}, ${INVITE_LINK}, ${'/invite/' + REDACTED}, 'g')`;
	await db()
		.update(mailMessage)
		.set(
			outcome.sent
				? {
						status: 'sent',
						sentAt: sql`now()`,
						lastError: null,
						unsubscribeUrl: null,
						...(message.kind === 'invitation' ? { textBody: redact(mailMessage.textBody), htmlBody: redact(mailMessage.htmlBody) } : {})
					}
				: { status: 'failed', lastError: outcome.error.slice(0, 500) }
		)
		.where(eq(mailMessage.id, message.id));
}

/** Messages still owed a send (queued, failed but retryable, or claimed by a sender that died). */
export async function pendingMailIds(olderThanSeconds: number, limit = 5000): Promise<number[]> {
	const rows = await db()
		.select({ id: mailMessage.id })
		.from(mailMessage)
		.where(
			and(
				inArray(mailMessage.status, ['queued', 'sending']),
				sql`${mailMessage.createdAt} < now() - make_interval(secs => ${olderThanSeconds})`,
				sql`(${mailMessage.status} = 'queued' or ${mailMessage.claimedAt} < ${STALE_CLAIM})`
			)
		)
		.orderBy(mailMessage.id)
		.limit(limit);
	return rows.map((r) => r.id);
}

/** Puts a failed message back in the queue, on an admin's request. */
export async function requeueMail(actorId: number, id: number): Promise<boolean> {
	return db().transaction(async (tx) => {
		const [row] = await tx
			.update(mailMessage)
			.set({ status: 'queued', lastError: null })
			.where(and(eq(mailMessage.id, id), eq(mailMessage.status, 'failed')))
			.returning({ id: mailMessage.id, recipientEmail: mailMessage.recipientEmail, kind: mailMessage.kind });
		if (!row) return false;
		await recordAudit(tx, {
			actorId,
			action: 'mail.retry',
			entity: 'mail_message',
			entityId: id,
			after: { to: row.recipientEmail, kind: row.kind }
		});
		return true;
	});
}

export type OutboxFilter = { status?: MailState; page: number };

export async function listOutbox(filter: OutboxFilter, pageSize = 50) {
	const where = filter.status ? eq(mailMessage.status, filter.status) : undefined;
	const [rows, [{ total }], states] = await Promise.all([
		db()
			.select({
				id: mailMessage.id,
				kind: mailMessage.kind,
				recipientEmail: mailMessage.recipientEmail,
				subject: mailMessage.subject,
				textBody: mailMessage.textBody,
				status: mailMessage.status,
				attempts: mailMessage.attempts,
				lastError: mailMessage.lastError,
				createdAt: mailMessage.createdAt,
				sentAt: mailMessage.sentAt
			})
			.from(mailMessage)
			.where(where)
			.orderBy(desc(mailMessage.id))
			.limit(pageSize)
			.offset((filter.page - 1) * pageSize),
		db().select({ total: count() }).from(mailMessage).where(where),
		db().select({ status: mailMessage.status, n: count() }).from(mailMessage).groupBy(mailMessage.status)
	]);
	return { rows, total, pageSize, counts: Object.fromEntries(states.map((s) => [s.status, s.n])) as Partial<Record<MailState, number>> };
}
