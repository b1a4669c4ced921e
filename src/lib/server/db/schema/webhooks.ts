import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, jsonb, pgTable, serial, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import type { WebhookEvent } from '../../../domain/webhooks';
import { appUser } from './auth';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** Where to tell which events; the secret signs each delivery and is shown to the admin once. */
export const webhook = pgTable('webhook', {
	id: serial('id').primaryKey(),
	url: text('url').notNull(),
	secret: text('secret').notNull(),
	events: text('events').array().$type<WebhookEvent[]>().notNull(),
	active: boolean('active').notNull().default(true),
	/** Why it is not active, for the admin: a restore without the key to its secret leaves it so until a new secret is set. */
	inactiveReason: text('inactive_reason'),
	createdBy: integer('created_by').references(() => appUser.id, { onDelete: 'set null' }),
	createdAt: ts('created_at').notNull().defaultNow()
});

/**
 * One event for one webhook: recorded in the transaction of its cause (so it is never lost),
 * then delivered by the job queue, with each attempt's answer kept for the delivery log.
 */
export const webhookDelivery = pgTable(
	'webhook_delivery',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		webhookId: integer('webhook_id')
			.notNull()
			.references(() => webhook.id, { onDelete: 'cascade' }),
		event: text('event').$type<WebhookEvent | 'ping'>().notNull(),
		payload: jsonb('payload').notNull(),
		status: text('status', { enum: ['pending', 'delivered', 'failed'] })
			.notNull()
			.default('pending'),
		attempts: smallint('attempts').notNull().default(0),
		/** While an attempt runs: another job for the same delivery (the sweep's, say) waits until then. */
		claimedUntil: ts('claimed_until'),
		responseStatus: smallint('response_status'),
		lastError: text('last_error'),
		createdAt: ts('created_at').notNull().defaultNow(),
		finishedAt: ts('finished_at')
	},
	(t) => [
		check('webhook_delivery_status_check', sql`${t.status} in ('pending', 'delivered', 'failed')`),
		index('webhook_delivery_hook_idx').on(t.webhookId, t.id),
		index('webhook_delivery_pending_idx')
			.on(t.id)
			.where(sql`${t.status} = 'pending'`)
	]
);
