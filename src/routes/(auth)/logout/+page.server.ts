import { redirect } from '@sveltejs/kit';
import { endSessionUrl } from '#lib/server/auth/oidc.ts';
import { deleteSessionCookie, endSession } from '#lib/server/auth/session.ts';
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
		// The provider's end-session endpoint, from its discovery document: configuration, never the request.
		const atProvider = idToken ? endSessionUrl(idToken) : undefined;
		redirect(303, atProvider?.href ?? '/login', { external: atProvider ? [atProvider.origin] : false });
	}
};
