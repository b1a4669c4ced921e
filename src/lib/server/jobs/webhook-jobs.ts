import { DELIVERY_ATTEMPTS } from '#lib/domain/webhooks.ts';
import { pendingDeliveryIds } from '#lib/server/queries/webhooks.ts';
import { deliverWebhook } from '#lib/server/webhooks/deliver.ts';
import { log } from '#lib/server/log.ts';
import { enqueue, type QueueSpec } from './queue';

export const WEBHOOK_DELIVER = 'webhook-deliver';
export const WEBHOOK_SWEEP = 'webhook-sweep';

/**
 * Hands recorded deliveries to the queue, once their cause has committed. A failure here must not
 * turn a committed write into an error: the sweep hands them over later.
 */
export async function sendWebhooks(ids: number[]) {
	try {
		await enqueue(
			WEBHOOK_DELIVER,
			ids.map((id) => ({ id }))
		);
	} catch (error) {
		log.warn('Webhook deliveries were recorded but not queued; the sweep will queue them', { error: String(error), ids: ids.length });
	}
}

export function webhookQueues(): QueueSpec[] {
	return [
		{
			name: WEBHOOK_DELIVER,
			batchSize: 20,
			concurrency: 4,
			// 30 s, 1, 2, 4 … minutes: about an hour before the delivery log says failed.
			retryLimit: DELIVERY_ATTEMPTS - 1,
			retryDelay: 30,
			handler: async ({ id }) => deliverWebhook(Number(id))
		},
		// Deliveries whose process stopped between commit and enqueue, or whose enqueue failed.
		{ name: WEBHOOK_SWEEP, cron: '*/5 * * * *', handler: async () => sendWebhooks(await pendingDeliveryIds(600)) }
	];
}
