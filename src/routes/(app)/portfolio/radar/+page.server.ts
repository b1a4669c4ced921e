import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { RINGS } from '#lib/domain/tech-radar.ts';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { fieldErrors, fileFields, formFailure, MAX_ID, requestedRound, text } from '#lib/server/forms/index.ts';
import { listCategories } from '#lib/server/queries/technologies.ts';
import { saveRadarConfig } from '#lib/server/queries/settings.ts';
import { radarFor } from '#lib/server/views/tech-radar.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	return { ...(await radarFor(requestedRound(event.url))), canEdit: can(user, 'editCatalog') };
};

const ring = z.enum(RINGS, { error: 'Choose a ring.' });
const configSchema = z.object({
	version: z.coerce.number().int().min(0).max(MAX_ID),
	quadrants: z.tuple([text('Quadrant name', 40), text('Quadrant name', 40), text('Quadrant name', 40), text('Quadrant name', 40)]),
	rings: z.tuple([ring, ring, ring, ring, ring, ring]),
	categories: z.record(z.string().max(50), z.coerce.number().int().min(0).max(3))
});

export const actions: Actions = {
	config: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const form = await event.request.formData();
		const files = fileFields(form);
		if (files) return fail(400, { errors: files, values: {} });
		const categories: Record<string, string> = {};
		for (const [k, v] of form) if (k.startsWith('category.') && typeof v === 'string') categories[k.slice('category.'.length)] = v;
		const parsed = configSchema.safeParse({
			version: form.get('version'),
			quadrants: [0, 1, 2, 3].map((i) => form.get(`quadrant.${i}`) ?? ''),
			rings: [0, 1, 2, 3, 4, 5].map((i) => form.get(`ring.${i}`) ?? ''),
			categories
		});
		if (!parsed.success) return fail(400, { errors: { form: Object.values(fieldErrors(parsed.error)).join(' ') }, values: {} });
		// Only the catalog's own categories can be mapped; anything else is not a category.
		const known = new Set(await listCategories());
		if (Object.keys(parsed.data.categories).some((c) => !known.has(c)))
			return formFailure(
				400,
				'Only categories that technologies in the catalog use can be mapped. Reload the page to see the current ones.'
			);
		const { version, ...config } = parsed.data;
		const result = await saveRadarConfig(user.id, version, config);
		if (result === 'stale') return formFailure(409, 'Someone else changed the radar mapping meanwhile. Reload to see it.');
		return { saved: true };
	}
};
