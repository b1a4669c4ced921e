import { error, fail, redirect } from '@sveltejs/kit';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, requestedRound } from '#lib/server/forms/index.ts';
import { technologyPage } from '#lib/server/views/technology-page.ts';
import { deleteTechnology, getTechnology, updateTechnology } from '#lib/server/queries/technologies.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const page = await technologyPage(user, event.params.slug, requestedRound(event.url));
	if (!page) error(404, 'No technology has this address.');
	return page;
};

export const actions: Actions = {
	delete: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const tech = await getTechnology(event.params.slug);
		if (!tech) error(404, 'No technology has this address.');
		// Deleting cannot be undone: the first press asks, the second (with confirm=yes) deletes.
		if ((await event.request.formData()).get('confirm') !== 'yes') return fail(409, { confirmDelete: true });
		const result = await deleteTechnology(user.id, tech.id);
		if (result === 'has-responses')
			return formFailure(
				409,
				`${tech.name} has assessment responses, so deleting it would lose history. Retire it instead: it stays in past results but leaves new rounds.`
			);
		redirect(303, '/technologies');
	},
	retire: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const tech = await getTechnology(event.params.slug);
		if (!tech) error(404, 'No technology has this address.');
		const { id, version, teamName: _team, ...fields } = tech;
		const result = await updateTechnology(user.id, id, version, { ...fields, lifecycle: 'retired' });
		if (result === 'stale') return formFailure(409, 'Someone changed this technology just now. Reload and try again.');
		return { retired: true };
	}
};
