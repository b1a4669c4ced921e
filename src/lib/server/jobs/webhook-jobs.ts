import { DELIVERY_ATTEMPTS } from '$lib/domain/webhooks';
import { pendingDeliveryIds } from '$lib/server/queries/webhooks';
import { deliverWebhook } from '$lib/server/webhooks/deliver';
import { enqueue, type QueueSpec } from './queue';

export const WEBHOOK_DELIVER = 'webhook-deliver';
export const WEBHOOK_SWEEP = 'webhook-sweep';

/** Hands recorded deliveries to the queue, once their cause has committed. */
export const sendWebhooks = (ids: number[]) =>
	enqueue(
		WEBHOOK_DELIVER,
		ids.map((id) => ({ id }))
	);

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
		// Deliveries whose process stopped between commit and enqueue.
		{ name: WEBHOOK_SWEEP, cron: '*/5 * * * *', handler: async () => sendWebhooks(await pendingDeliveryIds(120)) }
	];
}
