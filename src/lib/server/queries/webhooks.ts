import { randomBytes } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { rowsOf, type Tx } from '#lib/server/db/client.ts';
import { webhook, webhookDelivery } from '#lib/server/db/schema/index.ts';
import type { WebhookEvent } from '#lib/domain/webhooks.ts';
import { recordAudit } from './audit';

export const MAX_WEBHOOKS = 20;

export async function listWebhooks() {
	return db()
		.select({
			id: webhook.id,
			url: webhook.url,
			events: webhook.events,
			active: webhook.active,
			inactiveReason: webhook.inactiveReason,
			createdAt: webhook.createdAt,
			delivered:
				sql<number>`(select count(*) from ${webhookDelivery} d where d.webhook_id = ${webhook.id} and d.status = 'delivered')`.mapWith(
					Number
				),
			failed: sql<number>`(select count(*) from ${webhookDelivery} d where d.webhook_id = ${webhook.id} and d.status = 'failed')`.mapWith(
				Number
			),
			pending: sql<number>`(select count(*) from ${webhookDelivery} d where d.webhook_id = ${webhook.id} and d.status = 'pending')`.mapWith(
				Number
			)
		})
		.from(webhook)
		.orderBy(webhook.id);
}

/** A new webhook with a fresh signing secret, returned once; the audit log keeps the URL and events, never the secret. */
export async function createWebhook(actorId: number, input: { url: string; events: WebhookEvent[] }) {
	return db().transaction(async (tx) => {
		const [{ n }] = await tx.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(webhook);
		if (n >= MAX_WEBHOOKS) return { status: 'too-many' as const };
		const secret = newSecret();
		const [row] = await tx
			.insert(webhook)
			.values({ ...input, secret, createdBy: actorId })
			.returning({ id: webhook.id });
		await recordAudit(tx, { actorId, action: 'webhook.create', entity: 'webhook', entityId: row.id, after: input });
		return { status: 'created' as const, id: row.id, secret };
	});
}

const newSecret = () => `whsec_${randomBytes(24).toString('base64url')}`;

/**
 * A fresh signing secret, returned once, and the webhook active again: after a leak, or after a
 * restore that could not bring its secret back (it stays paused until then).
 */
export async function renewWebhookSecret(actorId: number, id: number): Promise<string | null> {
	return db().transaction(async (tx) => {
		const secret = newSecret();
		const [row] = await tx
			.update(webhook)
			.set({ secret, active: true, inactiveReason: null })
			.where(eq(webhook.id, id))
			.returning({ id: webhook.id });
		if (!row) return null;
		await recordAudit(tx, { actorId, action: 'webhook.secret', entity: 'webhook', entityId: id });
		return secret;
	});
}

export async function deleteWebhook(actorId: number, id: number) {
	return db().transaction(async (tx) => {
		const [gone] = await tx.delete(webhook).where(eq(webhook.id, id)).returning({ url: webhook.url, events: webhook.events });
		if (!gone) return false;
		await recordAudit(tx, { actorId, action: 'webhook.delete', entity: 'webhook', entityId: id, before: gone });
		return true;
	});
}

/**
 * Records an event for every active webhook that asked for it, in the caller's transaction: the
 * event exists exactly when its cause committed. Returns the deliveries to hand to the queue.
 */
export async function recordWebhookEvent(
	tx: Tx,
	event: WebhookEvent | 'ping',
	data: Record<string, unknown>,
	only?: number
): Promise<number[]> {
	const rows = rowsOf<{ id: number }>(
		await tx.execute(sql`
			insert into webhook_delivery (webhook_id, event, payload)
			select w.id, ${event},
				jsonb_build_object('id', gen_random_uuid(), 'type', ${event}::text, 'createdAt', now(), 'data', ${JSON.stringify(data)}::jsonb)
			from webhook w
			where w.active and (${event} = any(w.events) or w.id = ${only ?? 0})
			returning id`)
	);
	return rows.map((r) => Number(r.id));
}

export async function recentDeliveries(limit = 50) {
	return db()
		.select({
			id: webhookDelivery.id,
			webhookId: webhookDelivery.webhookId,
			url: webhook.url,
			event: webhookDelivery.event,
			status: webhookDelivery.status,
			attempts: webhookDelivery.attempts,
			responseStatus: webhookDelivery.responseStatus,
			lastError: webhookDelivery.lastError,
			createdAt: webhookDelivery.createdAt,
			finishedAt: webhookDelivery.finishedAt
		})
		.from(webhookDelivery)
		.innerJoin(webhook, eq(webhook.id, webhookDelivery.webhookId))
		.orderBy(desc(webhookDelivery.id))
		.limit(limit);
}

/**
 * Takes a pending delivery for one more attempt, for a minute: its body, target and secret. A
 * second job for the same delivery finds it taken (or done) and does nothing, so it is never
 * posted twice at once.
 */
export async function claimDelivery(id: number) {
	const [row] = await db()
		.update(webhookDelivery)
		.set({ attempts: sql`${webhookDelivery.attempts} + 1`, claimedUntil: sql`now() + interval '1 minute'` })
		.from(webhook)
		.where(
			and(
				eq(webhookDelivery.id, id),
				eq(webhookDelivery.status, 'pending'),
				sql`(${webhookDelivery.claimedUntil} is null or ${webhookDelivery.claimedUntil} < now())`,
				eq(webhook.id, webhookDelivery.webhookId)
			)
		)
		.returning({
			id: webhookDelivery.id,
			event: webhookDelivery.event,
			payload: webhookDelivery.payload,
			attempts: webhookDelivery.attempts,
			url: webhook.url,
			secret: webhook.secret
		});
	return row;
}

export async function finishAttempt(
	id: number,
	outcome: { status: 'pending' | 'delivered' | 'failed'; responseStatus: number | null; error: string | null }
) {
	await db()
		.update(webhookDelivery)
		.set({
			status: outcome.status,
			responseStatus: outcome.responseStatus,
			lastError: outcome.error?.slice(0, 500) ?? null,
			claimedUntil: null,
			finishedAt: outcome.status === 'pending' ? null : new Date()
		})
		.where(eq(webhookDelivery.id, id));
}

/** Deliveries recorded a while ago and still pending: their job may have been lost with a process. */
export async function pendingDeliveryIds(olderThanSeconds: number): Promise<number[]> {
	const rows = await db()
		.select({ id: webhookDelivery.id })
		.from(webhookDelivery)
		.where(
			and(
				eq(webhookDelivery.status, 'pending'),
				// Never tried: a delivery waiting for its retry has a job in the queue already. One that
				// waits its turn behind a slow receiver may get a second job; the claim keeps that harmless.
				eq(webhookDelivery.attempts, 0),
				sql`${webhookDelivery.createdAt} < now() - make_interval(secs => ${olderThanSeconds})`
			)
		)
		.limit(1000);
	return rows.map((r) => r.id);
}

/** A `ping` to one webhook; returns its delivery to hand to the queue, or nothing when the webhook is gone or inactive. */
export async function recordPing(actorId: number, webhookId: number): Promise<number[]> {
	return db().transaction((tx) => recordWebhookEvent(tx, 'ping', { message: 'A test delivery from Opsmaturity.', actorId }, webhookId));
}
