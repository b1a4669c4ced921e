import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { MAIL_KINDS, MAIL_STATES } from '../../../domain/mail-kinds';
import { appUser } from './auth';
import { round } from './rounds';

const ts = (name: string) => timestamp(name, { withTimezone: true });
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * Every email, as rendered when it was decided, and what became of it. The dedupe key names the
 * occasion (`reminder:<round>:<person>`), so deciding twice (two instances scanning at the same
 * moment, a retried job) records one message and sends it once.
 */
export const mailMessage = pgTable(
	'mail_message',
	{
		id: serial('id').primaryKey(),
		dedupeKey: text('dedupe_key').notNull().unique(),
		kind: text('kind', { enum: MAIL_KINDS }).notNull(),
		recipientUserId: integer('recipient_user_id').references(() => appUser.id, { onDelete: 'set null' }),
		recipientEmail: text('recipient_email').notNull(),
		roundId: integer('round_id').references(() => round.id, { onDelete: 'cascade' }),
		subject: text('subject').notNull(),
		textBody: text('text_body').notNull(),
		htmlBody: text('html_body').notNull(),
		/** Holds this message's unsubscribe token until it is sent (for List-Unsubscribe); then cleared. */
		unsubscribeUrl: text('unsubscribe_url'),
		/** SHA-256 (hex) of that token: the link keeps working after the URL is cleared, and a backup holds no working one. */
		unsubscribeTokenHash: text('unsubscribe_token_hash').unique(),
		status: text('status', { enum: MAIL_STATES }).notNull().default('queued'),
		attempts: integer('attempts').notNull().default(0),
		lastError: text('last_error'),
		claimedAt: ts('claimed_at'),
		sentAt: ts('sent_at'),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		check('mail_message_kind_check', sql`${t.kind} in (${inList(MAIL_KINDS)})`),
		check('mail_message_status_check', sql`${t.status} in (${inList(MAIL_STATES)})`),
		index('mail_message_created_idx').on(t.createdAt),
		index('mail_message_pending_idx')
			.on(t.status, t.createdAt)
			.where(sql`${t.status} in ('queued', 'sending', 'failed')`)
	]
);

export type MailMessage = typeof mailMessage.$inferSelect;
