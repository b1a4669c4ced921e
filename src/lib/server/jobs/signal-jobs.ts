import { log } from '#lib/server/log.ts';
import { endOfLifeSources } from '#lib/server/queries/signals.ts';
import { getWebhookPolicy } from '#lib/server/queries/settings.ts';
import { recordEndOfLife } from '#lib/server/views/end-of-life.ts';
import { getText } from '#lib/server/webhooks/get-text.ts';
import type { QueueSpec } from './queue';

export const END_OF_LIFE_FETCH = 'end-of-life-fetch';

/**
 * Fetches each technology's end-of-life data from its address and records the fact, one technology
 * after another. A failure is logged and leaves that technology's fact as it was: tomorrow's run
 * tries again. Private addresses follow the webhooks' rule (Admin → Webhooks).
 */
export async function fetchEndOfLifeData(): Promise<{ recorded: number; failed: number }> {
	const [sources, policy] = await Promise.all([endOfLifeSources(), getWebhookPolicy()]);
	let recorded = 0;
	for (const source of sources) {
		const fetched = await getText(source.url, policy.allowPrivateTargets);
		const outcome = 'text' in fetched ? await recordEndOfLife(source, fetched.text, null) : { problem: fetched.error };
		if ('problem' in outcome)
			log.warn('End-of-life data not recorded', { technology: source.name, url: source.url, problem: outcome.problem });
		else recorded++;
	}
	return { recorded, failed: sources.length - recorded };
}

export function signalQueues(): QueueSpec[] {
	// Daily, at an hour when nobody scores.
	return [{ name: END_OF_LIFE_FETCH, cron: '17 4 * * *', handler: async () => void (await fetchEndOfLifeData()) }];
}
