import { redirect } from '@sveltejs/kit';
import { endSessionUrl } from '$lib/server/auth/oidc';
import { deleteSessionCookie, endSession } from '$lib/server/auth/session';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	if (!locals.user) redirect(303, '/login');
	return { name: locals.user.name };
};

export const actions: Actions = {
	/** Ends the session here and, after a single sign-on, at the provider too when it offers that. */
	default: async ({ locals, cookies, url }) => {
		const idToken = locals.session ? await endSession(locals.session.id) : null;
		deleteSessionCookie(cookies, url.protocol === 'https:');
		redirect(303, (idToken && endSessionUrl(idToken)?.href) || '/login');
	}
};
