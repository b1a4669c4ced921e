import { redirect } from '@sveltejs/kit';
import { byUrgency } from '#lib/domain/initiatives.ts';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, parseForm } from '#lib/server/forms/index.ts';
import { saveInitiative } from '#lib/server/queries/initiatives.ts';
import { initiativeChoices, initiativeFormSchema, initiativeViews } from '#lib/server/views/initiatives.ts';
import { readerOf } from '#lib/server/views/reader.ts';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const canEdit = can(user, 'editBacklog');
	const [initiatives, choices] = await Promise.all([
		readerOf(user).then((reader) => initiativeViews(reader)),
		canEdit ? initiativeChoices() : null
	]);
	return { initiatives: initiatives.sort(byUrgency), canEdit, choices };
};

export const actions: Actions = {
	create: async (event) => {
		const lead = requireCapability(event, 'editBacklog');
		const { data, failure } = parseForm(await initiativeFormSchema(), await event.request.formData());
		if (failure) return failure;
		const saved = await saveInitiative(lead.id, data);
		if (saved === 'team-gone') return formFailure(409, 'That team was deleted meanwhile; choose another.');
		if (typeof saved !== 'object') return formFailure(409, 'The initiative could not be saved; reload and try again.');
		redirect(303, `/initiatives/${saved.saved}`);
	}
};
