import { z } from 'zod';
import { ANONYMITY_THRESHOLD_RANGE } from '#lib/domain/anonymity.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, parseForm, settingVersion } from '#lib/server/forms/index.ts';
import { getAnonymity, saveAnonymity } from '#lib/server/queries/settings.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	return { setting: await getAnonymity(), range: ANONYMITY_THRESHOLD_RANGE };
};

const { min, max } = ANONYMITY_THRESHOLD_RANGE;

export const actions: Actions = {
	save: async (event) => {
		const admin = requireCapability(event, 'administer');
		const { data, failure } = parseForm(
			z.object({
				version: settingVersion,
				threshold: z.coerce
					.number({ message: `Enter a whole number from ${min} to ${max}.` })
					.int(`Enter a whole number from ${min} to ${max}.`)
					.min(min, `Enter a whole number from ${min} to ${max}.`)
					.max(max, `Enter a whole number from ${min} to ${max}.`)
			}),
			await event.request.formData()
		);
		if (failure) return failure;
		const saved = await saveAnonymity(admin.id, data.version, { threshold: data.threshold });
		if (saved === 'stale') return formFailure(409, 'Another admin changed this setting meanwhile; reload to see it.');
		return { saved: true };
	}
};
