import { error, redirect } from '@sveltejs/kit';
import { hasRole, requireRole, requireUser } from '$lib/server/auth/guards';
import { formFailure } from '$lib/server/forms';
import { getTechnology, deleteTechnology, updateTechnology } from '$lib/server/queries/technologies';
import { technologyRounds } from '$lib/server/queries/rounds';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const tech = await getTechnology(event.params.slug);
	if (!tech) error(404, 'No technology has this address.');
	return { technology: tech, rounds: await technologyRounds(tech.id), canEdit: hasRole(user, 'lead') };
};

export const actions: Actions = {
	delete: async (event) => {
		const user = requireRole(event, 'lead');
		const tech = await getTechnology(event.params.slug);
		if (!tech) error(404, 'No technology has this address.');
		const result = await deleteTechnology(user.id, tech.id);
		if (result === 'has-responses')
			return formFailure(409, `${tech.name} has assessment responses, so deleting it would lose history. Retire it instead: it stays in past results but leaves new rounds.`);
		redirect(303, '/technologies');
	},
	retire: async (event) => {
		const user = requireRole(event, 'lead');
		const tech = await getTechnology(event.params.slug);
		if (!tech) error(404, 'No technology has this address.');
		const { id, version, teamName: _team, ...fields } = tech;
		const result = await updateTechnology(user.id, id, version, { ...fields, lifecycle: 'retired' });
		if (result === 'stale') return formFailure(409, 'Someone changed this technology just now. Reload and try again.');
		return { retired: true };
	}
};
