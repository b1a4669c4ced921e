import { error, fail, redirect } from '@sveltejs/kit';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, requestedRound, uploadedText } from '#lib/server/forms/index.ts';
import { technologyPage } from '#lib/server/views/technology-page.ts';
import { deleteTechnology, getTechnology, updateTechnology } from '#lib/server/queries/technologies.ts';
import { recordEndOfLife } from '#lib/server/views/end-of-life.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const page = await technologyPage(user, event.params.slug, requestedRound(event.url));
	if (!page) error(404, 'No technology has this address.');
	return page;
};

export const actions: Actions = {
	/** End-of-life data in endoflife.date's shape, matched to the running version and recorded as a fact. */
	endOfLife: async (event) => {
		const user = requireCapability(event, 'editCatalog');
		const tech = await getTechnology(event.params.slug);
		if (!tech) error(404, 'No technology has this address.');
		const outcome = await recordEndOfLife(tech, await uploadedText(await event.request.formData()), user.id);
		if ('problem' in outcome) return fail(400, { endOfLifeProblem: outcome.problem });
		return { endOfLife: outcome.text };
	},
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
