import { error, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { formFailure, parseForm } from '#lib/server/forms/index.ts';
import { versionField } from '#lib/server/forms/initiative.ts';
import { deleteInitiative, getInitiative, saveInitiative } from '#lib/server/queries/initiatives.ts';
import { initiativeChoices, initiativeFormSchema, initiativeViews } from '#lib/server/views/initiatives.ts';
import { readerOf } from '#lib/server/views/reader.ts';
import type { Actions, PageServerLoad } from './$types';

const STALE = 'Someone changed this initiative meanwhile. Reload to see their version before saving yours.';

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const canEdit = can(user, 'editBacklog');
	const [initiative] = await initiativeViews(await readerOf(user), { initiativeId: Number(event.params.id) });
	if (!initiative) error(404, 'Not found');
	const choices = canEdit ? await initiativeChoices(initiative) : null;
	return { initiative, canEdit, choices, confirmDelete: canEdit && event.url.searchParams.get('confirm') === 'delete' };
};

export const actions: Actions = {
	update: async (event) => {
		const lead = requireCapability(event, 'editBacklog');
		const saved = await getInitiative(Number(event.params.id));
		if (!saved) error(404, 'Not found');
		const { data, failure } = parseForm((await initiativeFormSchema(saved)).extend(versionField.shape), await event.request.formData());
		if (failure) return failure;
		const { version, ...input } = data;
		const outcome = await saveInitiative(lead.id, input, { id: Number(event.params.id), version });
		if (outcome === 'not-found') error(404, 'Not found');
		if (outcome === 'stale') return formFailure(409, STALE);
		if (outcome === 'team-gone') return formFailure(409, 'That team was deleted meanwhile; choose another.');
		return { saved: true };
	},
	delete: async (event) => {
		const lead = requireCapability(event, 'editBacklog');
		const { data, failure } = parseForm(
			versionField.extend({ confirm: z.literal('yes', { error: 'Confirm that the initiative should be deleted.' }) }),
			await event.request.formData()
		);
		if (failure) return failure;
		const deleted = await deleteInitiative(lead.id, Number(event.params.id), data.version);
		if (deleted === 'not-found') error(404, 'Not found');
		if (deleted === 'stale') return formFailure(409, STALE);
		redirect(303, '/initiatives');
	}
};
