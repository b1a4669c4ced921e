import { requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, uploadedText } from '#lib/server/forms/index.ts';
import { planTechnologyImport } from '#lib/server/views/technology-import.ts';
import { importTechnologies } from '#lib/server/queries/technologies.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'editCatalog');
};

/** The CSV comes from an uploaded file or, on the confirm step, from the text the preview showed. */
const csvFrom = (form: FormData) => uploadedText(form, 'file', 'csv');

export const actions: Actions = {
	preview: async (event) => {
		requireCapability(event, 'editCatalog');
		const csv = await csvFrom(await event.request.formData());
		const plan = await planTechnologyImport(csv);
		if (!plan.lines) return formFailure(400, plan.problem);
		return { csv, lines: plan.lines, skipped: plan.skipped };
	},
	import: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const csv = await csvFrom(await event.request.formData());
		// Planned again at write time: the catalog may have changed since the preview.
		const plan = await planTechnologyImport(csv);
		if (!plan.lines) return formFailure(400, plan.problem);
		if (plan.lines.some((l) => l.action === 'error')) return { csv, lines: plan.lines, skipped: plan.skipped, refused: true };
		const writes = plan.lines.flatMap((l) => (l.action === 'create' || l.action === 'update' ? [l.technology] : []));
		const imported = await importTechnologies(user.id, writes);
		return {
			imported,
			created: plan.lines.filter((l) => l.action === 'create').length,
			updated: plan.lines.filter((l) => l.action === 'update').length,
			skipped: plan.skipped
		};
	}
};
