import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a webhook can be told about. */
export const WEBHOOK_EVENTS = ['round.opened', 'round.closed', 'response.submitted', 'backlog.item.changed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const SIGNATURE_HEADER = 'Opsmaturity-Signature';
/** How old a signed timestamp a receiver should still accept, in seconds: a captured request cannot be replayed later. */
export const REPLAY_WINDOW_SECONDS = 300;

/**
 * The signature header of a delivery: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * the scheme Stripe made familiar, so receivers' existing helpers fit. The timestamp is signed with
 * the body, so neither can be swapped.
 */
export function signDelivery(secret: string, body: string, unixSeconds: number): string {
	const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
	return `t=${unixSeconds},v1=${mac}`;
}

export type Verdict = 'ok' | 'malformed' | 'mismatch' | 'expired';

/** What a receiver does: the reference check, used by the tests' receiver and documented for others. */
export function verifyDelivery(
	secret: string,
	header: string,
	body: string,
	nowSeconds: number,
	windowSeconds = REPLAY_WINDOW_SECONDS
): Verdict {
	const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
	const t = Number(parts.t);
	if (!/^\d+$/.test(parts.t ?? '') || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return 'malformed';
	const expected = Buffer.from(signDelivery(secret, body, t).split('v1=')[1], 'hex');
	if (!timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'))) return 'mismatch';
	return Math.abs(nowSeconds - t) > windowSeconds ? 'expired' : 'ok';
}

/** Attempts before a delivery is given up as failed: about an hour of doubling waits from 30 s. */
export const DELIVERY_ATTEMPTS = 8;
