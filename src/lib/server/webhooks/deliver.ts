import http from 'node:http';
import https from 'node:https';
import { DELIVERY_ATTEMPTS, SIGNATURE_HEADER, signDelivery } from '#lib/domain/webhooks.ts';
import { claimDelivery, finishAttempt } from '#lib/server/queries/webhooks.ts';
import { getWebhookPolicy } from '#lib/server/queries/settings.ts';
import { guardedLookup, urlProblem, withDeadline } from './target';

const TIMEOUT_MS = 10_000;

type Answer = { status: number } | { error: string };

/** One signed POST; redirects are not followed (a 3xx is an answer), and the answer's body is not read beyond its start. */
export function postSigned(url: string, body: string, headers: Record<string, string>, allowPrivate: boolean): Promise<Answer> {
	// An address written as an IP is connected to without a lookup, so the guard below would not see it.
	const refused = urlProblem(url, allowPrivate);
	if (refused) return Promise.resolve({ error: `refused: ${refused}` });
	return new Promise((resolve) => {
		const target = new URL(url);
		const client = target.protocol === 'https:' ? https : http;
		const request = client.request(
			target,
			{
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'content-length': Buffer.byteLength(body),
					'user-agent': 'Opsmaturity-Webhook/1',
					...headers
				},
				lookup: guardedLookup(allowPrivate),
				timeout: TIMEOUT_MS
			},
			(response) => {
				// The status is the answer; the body is not read, so an endless one cannot hold the socket.
				resolve({ status: response.statusCode ?? 0 });
				response.destroy();
			}
		);
		withDeadline(request, TIMEOUT_MS, (error) => resolve({ error }));
		request.end(body);
	});
}

/**
 * Makes one attempt at a delivery. A 2xx is delivered; anything else is kept with its reason and
 * thrown, so the queue retries with doubling waits, until the last attempt marks it failed.
 */
export async function deliverWebhook(id: number, now = () => Math.floor(Date.now() / 1000)) {
	const delivery = await claimDelivery(id);
	if (!delivery) return; // delivered, failed, or its webhook deleted meanwhile
	const { allowPrivateTargets } = await getWebhookPolicy();
	const body = JSON.stringify(delivery.payload);
	const answer = await postSigned(
		delivery.url,
		body,
		{
			[SIGNATURE_HEADER]: signDelivery(delivery.secret, body, now()),
			'Opsmaturity-Event': delivery.event,
			'Opsmaturity-Delivery': String((delivery.payload as { id: string }).id)
		},
		allowPrivateTargets
	);
	const ok = 'status' in answer && answer.status >= 200 && answer.status < 300;
	const last = delivery.attempts >= DELIVERY_ATTEMPTS;
	const error = 'error' in answer ? answer.error : ok ? null : `answered ${answer.status}`;
	await finishAttempt(id, {
		status: ok ? 'delivered' : last ? 'failed' : 'pending',
		responseStatus: 'status' in answer ? answer.status : null,
		error
	});
	if (!ok && !last) throw new Error(`Webhook delivery ${id}: ${error}`);
}
