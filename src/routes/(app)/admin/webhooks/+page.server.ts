import { z } from 'zod';
import { WEBHOOK_EVENTS } from '#lib/domain/webhooks.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { fieldFailure, formFailure, id, parseForm, settingVersion } from '#lib/server/forms/index.ts';
import { sendWebhooks } from '#lib/server/jobs/webhook-jobs.ts';
import { getWebhookPolicy, saveWebhookPolicy } from '#lib/server/queries/settings.ts';
import {
	createWebhook,
	deleteWebhook,
	listWebhooks,
	MAX_WEBHOOKS,
	recentDeliveries,
	recordPing,
	renewWebhookSecret
} from '#lib/server/queries/webhooks.ts';
import { urlProblem } from '#lib/server/webhooks/target.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	const [webhooks, deliveries, policy] = await Promise.all([listWebhooks(), recentDeliveries(50), getWebhookPolicy()]);
	return { webhooks, deliveries, policy, events: WEBHOOK_EVENTS };
};

const createSchema = z.object({
	url: z.string().trim().min(1, 'Enter the address to send events to.').max(500, 'Keep the address under 500 characters.'),
	// One checked box arrives as a string, several as a list.
	events: z.preprocess(
		(v) => (v === undefined ? [] : [v].flat()),
		z.array(z.enum(WEBHOOK_EVENTS, { error: 'Choose events from the list.' })).min(1, 'Choose at least one event.')
	)
});

export const actions: Actions = {
	create: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const { data, failure } = parseForm(createSchema, form);
		if (failure) return failure;
		const problem = urlProblem(data.url, (await getWebhookPolicy()).allowPrivateTargets);
		if (problem) return fieldFailure(form, 'url', problem);
		const created = await createWebhook(admin.id, data);
		if (created.status === 'too-many') return formFailure(409, `At most ${MAX_WEBHOOKS} webhooks; delete one first.`);
		return { created: { id: created.id, secret: created.secret } };
	},
	delete: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { data, failure } = parseForm(z.object({ webhookId: id('Webhook') }), await event.request.formData());
		if (failure) return failure;
		if (!(await deleteWebhook(admin.id, data.webhookId))) return formFailure(404, 'That webhook no longer exists.');
		return { deleted: data.webhookId };
	},
	/** A new signing secret, shown once; a webhook paused by a restore runs again. */
	secret: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { data, failure } = parseForm(z.object({ webhookId: id('Webhook') }), await event.request.formData());
		if (failure) return failure;
		const secret = await renewWebhookSecret(admin.id, data.webhookId);
		if (!secret) return formFailure(404, 'That webhook no longer exists.');
		return { renewed: { id: data.webhookId, secret } };
	},
	/** A `ping` to one webhook, to check its receiver and secret before real events flow. */
	ping: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { data, failure } = parseForm(z.object({ webhookId: id('Webhook') }), await event.request.formData());
		if (failure) return failure;
		const ids = await recordPing(admin.id, data.webhookId);
		if (!ids.length) return formFailure(404, 'That webhook no longer exists.');
		await sendWebhooks(ids);
		return { pinged: data.webhookId };
	},
	policy: async (event) => {
		const admin = requireCapability(event, 'administer');
		const form = await event.request.formData();
		const { data, failure } = parseForm(
			z.object({
				version: settingVersion,
				allowPrivateTargets: z.literal('on').optional()
			}),
			form
		);
		if (failure) return failure;
		const saved = await saveWebhookPolicy(admin.id, data.version, { allowPrivateTargets: data.allowPrivateTargets === 'on' });
		if (saved === 'stale') return formFailure(409, 'Another admin changed this setting meanwhile; reload to see it.');
		return { policySaved: true };
	}
};
