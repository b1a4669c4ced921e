import { redirect } from '@sveltejs/kit';
import { LIFECYCLES } from '#lib/domain/catalog.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION } from '#lib/server/db/client.ts';
import { guardedWrite, parseForm } from '#lib/server/forms/index.ts';
import { technologySchema } from '#lib/server/forms/technology.ts';
import { listTeams } from '#lib/server/queries/teams.ts';
import { createTechnology } from '#lib/server/queries/technologies.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'editCatalog');
	const teams = await listTeams();
	return { teams: teams.map((t) => ({ id: t.id, name: t.name })), lifecycles: LIFECYCLES };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const form = await event.request.formData();
		const { data, failure } = parseForm(technologySchema, form);
		if (failure) return failure;
		const result = await guardedWrite(form, () => createTechnology(user.id, data), {
			[UNIQUE_VIOLATION]: ['slug', 'Another technology already uses this slug.'],
			[FOREIGN_KEY_VIOLATION]: ['teamId', 'That team no longer exists.']
		});
		if (result.failure) return result.failure;
		redirect(303, `/technologies/${data.slug}`);
	}
};
