import { error, redirect } from '@sveltejs/kit';
import { hashPassword } from '#lib/server/auth/password.ts';
import { claimAddressAttempt, INVITE_LIMIT, releaseAddressAttempt } from '#lib/server/auth/rate-limit.ts';
import { signIn } from '#lib/server/auth/session.ts';
import { fieldFailure, parseForm, text, withConfirmation } from '#lib/server/forms/index.ts';
import { acceptInvitation, findOpenInvitation } from '#lib/server/queries/users.ts';
import { mayUsePassword } from '#lib/server/auth/local-login.ts';
import { oidcEnabled, oidcLabel } from '#lib/server/auth/oidc.ts';
import type { Actions, PageServerLoad } from './$types';

const acceptSchema = withConfirmation({ name: text('Name', 100) });
const GONE = 'This invitation link is invalid, already used or expired. Ask an administrator for a new one.';

export const load: PageServerLoad = async ({ params }) => {
	const invitation = await findOpenInvitation(params.token);
	if (!invitation) error(404, GONE);
	// With single sign-on the person may join through the provider: the invitation is matched by their verified email.
	return {
		email: invitation.email,
		role: invitation.role,
		sso: oidcEnabled() ? oidcLabel() : null,
		passwords: mayUsePassword(invitation.email)
	};
};

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const { data, failure } = parseForm(acceptSchema, form);
		if (failure) return failure;
		// Claimed per address before the link is even looked up, and counted until it is accepted, as sign-ins are.
		const address = event.getClientAddress();
		const claim = await claimAddressAttempt(INVITE_LIMIT, address);
		if (claim === null) return fieldFailure(form, 'form', 'Too many attempts from your address. Wait 15 minutes and try again.', 429);
		// A link that opens nothing is refused before the password is hashed: argon2 is the costly part, for no one.
		const invitation = await findOpenInvitation(event.params.token);
		if (!invitation) error(404, GONE);
		if (!mayUsePassword(invitation.email))
			return fieldFailure(form, 'form', 'Passwords are turned off here: join with single sign-on instead.', 403);
		const result = await acceptInvitation(event.params.token, {
			name: data.name,
			passwordHash: await hashPassword(data.password)
		});
		if (!result.ok && result.reason === 'invalid') error(404, GONE);
		if (!result.ok) return fieldFailure(form, 'form', 'An account with this email already exists. Sign in instead.', 409);
		await releaseAddressAttempt(INVITE_LIMIT, address, claim);
		await signIn(event, result.userId);
		redirect(303, '/');
	}
};
