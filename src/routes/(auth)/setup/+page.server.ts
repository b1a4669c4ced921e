import { redirect } from '@sveltejs/kit';
import { hashPassword } from '#lib/server/auth/password.ts';
import { claimAddressAttempt, SETUP_LIMIT, releaseAddressAttempt } from '#lib/server/auth/rate-limit.ts';
import { signIn } from '#lib/server/auth/session.ts';
import { email, fieldFailure, parseForm, text, withConfirmation } from '#lib/server/forms/index.ts';
import { countUsers, createFirstAdmin } from '#lib/server/queries/users.ts';
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
		// Once setup is done this form no longer applies: refused before the costly password hash.
		if ((await countUsers()) > 0) redirect(303, '/login');
		const address = event.getClientAddress();
		const claim = await claimAddressAttempt(SETUP_LIMIT, address);
		if (claim === null) return fieldFailure(form, 'form', 'Too many attempts from your address. Wait 15 minutes and try again.', 429);
		const admin = await createFirstAdmin({
			email: data.email,
			name: data.name,
			passwordHash: await hashPassword(data.password)
		});
		// Someone else finished setup first: this form no longer applies.
		if (!admin) redirect(303, '/login');
		await releaseAddressAttempt(SETUP_LIMIT, address, claim);
		await signIn(event, admin.id);
		redirect(303, '/');
	}
};
