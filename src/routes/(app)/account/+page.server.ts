import { z } from 'zod';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { hashPassword, PASSWORD_MAX, verifyPassword } from '#lib/server/auth/password.ts';
import { claimLoginAttempt, settleLoginSuccess } from '#lib/server/auth/rate-limit.ts';
import { signIn } from '#lib/server/auth/session.ts';
import { fieldFailure, parseForm, withConfirmation } from '#lib/server/forms/index.ts';
import { changePassword, findPasswordHash } from '#lib/server/queries/users.ts';
import { accountSettings, setMailOptOut } from '#lib/server/queries/mail-preferences.ts';
import { MAIL_PREFERENCE_KEYS, MAIL_PREFERENCES, type MailPreference } from '#lib/domain/mail-kinds.ts';
import { mayUsePassword } from '#lib/server/auth/local-login.ts';
import type { Actions, PageServerLoad } from './$types';

const passwordSchema = withConfirmation({
	current: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(PASSWORD_MAX)
});

const preference = z.enum(MAIL_PREFERENCE_KEYS as [MailPreference, ...MailPreference[]], { error: 'Tick only the emails listed.' });
const mailSchema = z.object({
	// Ticked boxes are the emails wanted: one box sends a value, several an array.
	wanted: z
		.union([preference, z.array(preference).max(MAIL_PREFERENCE_KEYS.length)], { error: 'Tick only the emails listed.' })
		.optional()
		.transform((v) => (v === undefined ? [] : [v].flat()))
});

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const { optOut, hasPassword } = await accountSettings(user.id);
	return {
		// Only someone who has a password, and may still use it, can change it.
		password: hasPassword && mayUsePassword(user.email),
		email: user.email,
		name: user.name,
		role: user.role,
		mail: MAIL_PREFERENCES.map((p) => ({ key: p.key, label: p.label, wanted: !optOut.includes(p.key) }))
	};
};

export const actions: Actions = {
	mail: async (event) => {
		const user = requireCapability(event, 'read');
		const form = await event.request.formData();
		const { data, failure } = parseForm(mailSchema, form);
		if (failure) return failure;
		await setMailOptOut(
			user.id,
			MAIL_PREFERENCE_KEYS.filter((k) => !data.wanted.includes(k))
		);
		return { mailSaved: true };
	},
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
		if (!mayUsePassword(user.email))
			return fieldFailure(form, 'current', 'Passwords are turned off here: you sign in with single sign-on.', 403);
		if (!stored || !(await verifyPassword(stored, data.current)))
			return fieldFailure(form, 'current', 'That is not your current password.');
		await settleLoginSuccess(user.email, address, claim);
		await changePassword(user.id, await hashPassword(data.password));
		// The session is rotated: whoever held the old token (on this device or another) is signed out.
		await signIn(event, user.id);
		return { changed: true };
	}
};
