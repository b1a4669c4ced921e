import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { hasRole, requireRole, requireUser } from '$lib/server/auth/guards';
import { UNIQUE_VIOLATION } from '$lib/server/db/client';
import { guardedWrite, optionalDate, parseForm, text } from '$lib/server/forms';
import { createRound, listRounds } from '$lib/server/queries/rounds';
import type { Actions, PageServerLoad } from './$types';

const roundSchema = z.object({ name: text('Name', 80), dueDate: optionalDate });

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	return { rounds: await listRounds(), canManage: hasRole(user, 'lead') };
};

export const actions: Actions = {
	create: async (event) => {
		const user = requireRole(event, 'lead');
		const form = await event.request.formData();
		const { data, failure } = parseForm(roundSchema, form);
		if (failure) return failure;
		const result = await guardedWrite(form, () => createRound(user.id, data), {
			[UNIQUE_VIOLATION]: ['name', 'A round with this name already exists.']
		});
		if (result.failure) return result.failure;
		redirect(303, `/rounds/${result.value.id}`);
	}
};
