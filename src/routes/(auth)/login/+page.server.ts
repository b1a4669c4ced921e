import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { PASSWORD_MAX, verifyAgainstNothing, verifyPassword } from '#lib/server/auth/password.ts';
import { claimLoginAttempt, settleLoginSuccess } from '#lib/server/auth/rate-limit.ts';
import { safeNext, signIn } from '#lib/server/auth/session.ts';
import { email, parseForm, formFailure } from '#lib/server/forms/index.ts';
import { metrics } from '#lib/server/metrics.ts';
import { demoAccountsExist } from '#lib/server/queries/demo-data.ts';
import { countUsers, findUserForLogin } from '#lib/server/queries/users.ts';
import { breakGlassEmail, localLoginEnabled, mayUsePassword } from '#lib/server/auth/local-login.ts';
import { oidcEnabled, oidcLabel, oidcUnavailable } from '#lib/server/auth/oidc.ts';
import { NO_PASSWORD } from '#lib/server/queries/sso-accounts.ts';
import type { Actions, PageServerLoad } from './$types';

const loginSchema = z.object({
	email,
	password: z.string({ error: 'Password is required.' }).min(1, 'Password is required.').max(PASSWORD_MAX, 'Password is too long.'),
	next: z.string().optional()
});

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	if ((await countUsers()) === 0) redirect(303, '/setup');
	return {
		next: safeNext(url.searchParams.get('next')),
		demoAccounts: await demoAccountsExist(),
		sso: oidcEnabled() ? oidcLabel() : null,
		ssoUnavailable: oidcUnavailable() ? oidcLabel() : null,
		// With passwords off, the form is there only for the break-glass account, behind ?local=1.
		passwords: localLoginEnabled() || (!!breakGlassEmail() && url.searchParams.has('local')),
		breakGlass: !localLoginEnabled() && !!breakGlassEmail()
	};
};

const WRONG = 'That email and password do not match an active account.';

export const actions: Actions = {
	default: async (event) => {
		const form = await event.request.formData();
		const { data, failure } = parseForm(loginSchema, form);
		if (failure) return failure;
		const values = { email: data.email, next: data.next ?? '' };
		const address = event.getClientAddress();
		// The attempt is claimed (and counted as a failure) before the password is checked.
		const claim = await claimLoginAttempt(data.email, address);
		if (!claim.ok) {
			metrics.loginFailures.inc({ reason: 'rate-limited' });
			return formFailure(
				429,
				claim.reason === 'account'
					? 'Too many failed sign-ins for this account from your address. Wait 15 minutes and try again.'
					: 'Too many failed sign-ins from your address. Wait 15 minutes and try again.',
				values
			);
		}
		const found = mayUsePassword(data.email) ? await findUserForLogin(data.email) : undefined;
		// With passwords off, the break-glass account works only while it is an administrator.
		const user = found && (localLoginEnabled() || found.role === 'admin') ? found : undefined;
		// An account made by single sign-on has no password: like an unknown one, it takes as long to refuse.
		const ok =
			user && user.active && user.passwordHash !== NO_PASSWORD
				? await verifyPassword(user.passwordHash, data.password)
				: await verifyAgainstNothing(data.password);
		if (!ok || !user) {
			metrics.loginFailures.inc({ reason: 'wrong-credentials' });
			return formFailure(400, WRONG, values);
		}
		await settleLoginSuccess(data.email, address, claim);
		await signIn(event, user.id);
		redirect(303, safeNext(data.next));
	}
};
