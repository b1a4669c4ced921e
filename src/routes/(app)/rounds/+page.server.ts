import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { guardedWrite, optionalDate, parseForm, text } from '#lib/server/forms/index.ts';
import { createRound, listRounds, ROUND_NAME_TAKEN } from '#lib/server/queries/rounds.ts';
import type { Actions, PageServerLoad } from './$types';

const roundSchema = z.object({ name: text('Name', 80), dueDate: optionalDate });

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	return { rounds: await listRounds(), canManage: can(user, 'manageRounds') };
};

export const actions: Actions = {
	create: async (event) => {
		const user = requireCapability(event, 'manageRounds');
		const form = await event.request.formData();
		const { data, failure } = parseForm(roundSchema, form);
		if (failure) return failure;
		const result = await guardedWrite(form, () => createRound(user.id, data), ROUND_NAME_TAKEN);
		if (result.failure) return result.failure;
		redirect(303, `/rounds/${result.value.id}`);
	}
};
