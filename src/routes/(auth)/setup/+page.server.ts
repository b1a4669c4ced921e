import { redirect } from '@sveltejs/kit';
import { hashPassword } from '$lib/server/auth/password';
import { signIn } from '$lib/server/auth/session';
import { email, parseForm, text, withConfirmation } from '$lib/server/forms';
import { countUsers, createFirstAdmin } from '$lib/server/queries/users';
import type { Actions, PageServerLoad } from './$types';

const setupSchema = withConfirmation({ name: text('Name', 100), email });

export const load: PageServerLoad = async () => {
	if ((await countUsers()) > 0) redirect(303, '/login');
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const { data, failure } = parseForm(setupSchema, form);
		if (failure) return failure;
		const admin = await createFirstAdmin({
			email: data.email,
			name: data.name,
			passwordHash: await hashPassword(data.password)
		});
		// Someone else finished setup first: this form no longer applies.
		if (!admin) redirect(303, '/login');
		await signIn(event, admin.id);
		redirect(303, '/');
	}
};
