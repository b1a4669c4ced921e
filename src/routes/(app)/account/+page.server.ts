import { z } from 'zod';
import { requireCapability } from '$lib/server/auth/policy';
import { hashPassword, PASSWORD_MAX, verifyPassword } from '$lib/server/auth/password';
import { claimLoginAttempt, settleLoginSuccess } from '$lib/server/auth/rate-limit';
import { signIn } from '$lib/server/auth/session';
import { fieldFailure, parseForm, withConfirmation } from '$lib/server/forms';
import { changePassword, findPasswordHash } from '$lib/server/queries/users';
import type { Actions, PageServerLoad } from './$types';

const passwordSchema = withConfirmation({
	current: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(PASSWORD_MAX)
});

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	return { email: user.email, name: user.name, role: user.role };
};

export const actions: Actions = {
	password: async (event) => {
		const user = requireCapability(event, 'read');
		const form = await event.request.formData();
		const { data, failure } = parseForm(passwordSchema, form);
		if (failure) return failure;
		// Guessing the current password from a stolen session meets the same limit as signing in.
		const address = event.getClientAddress();
		const claim = await claimLoginAttempt(user.email, address);
		if (!claim.ok) return fieldFailure(form, 'current', 'Too many wrong passwords. Wait 15 minutes and try again.', 429);
		const stored = await findPasswordHash(user.id);
		if (!stored || !(await verifyPassword(stored, data.current)))
			return fieldFailure(form, 'current', 'That is not your current password.');
		await settleLoginSuccess(user.email, address, claim);
		await changePassword(user.id, await hashPassword(data.password));
		// The session is rotated: whoever held the old token (on this device or another) is signed out.
		await signIn(event, user.id);
		return { changed: true };
	}
};
