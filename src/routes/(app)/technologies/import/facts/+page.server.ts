import { requireCapability } from '#lib/server/auth/policy.ts';
import { listSignalKinds } from '#lib/server/queries/signals.ts';
import { FACT_COLUMNS, importFacts } from '#lib/server/views/facts-import.ts';
import { fail } from '@sveltejs/kit';
import { uploadedText } from '#lib/server/forms/index.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'editCatalog');
	return { kinds: await listSignalKinds(), columns: FACT_COLUMNS };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const outcome = await importFacts(await uploadedText(await event.request.formData()), user.id);
		if (outcome.problems) return fail(400, { problems: outcome.problems });
		return outcome;
	}
};
