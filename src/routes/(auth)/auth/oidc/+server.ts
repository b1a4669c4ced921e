import { error, redirect } from '@sveltejs/kit';
import { beginSignIn, FLOW_COOKIE, oidcEnabled } from '$lib/server/auth/oidc';
import { safeNext } from '$lib/server/auth/session';
import type { RequestHandler } from './$types';

/** Starts a single sign-on: the browser goes to the provider, carrying a cookie that names this flow. */
export const GET: RequestHandler = async ({ url, cookies }) => {
	if (!oidcEnabled()) error(404, 'Single sign-on is not set up here.');
	const { url: to, flowToken, expiresAt } = await beginSignIn(safeNext(url.searchParams.get('next')));
	cookies.set(FLOW_COOKIE, flowToken, {
		path: '/auth/oidc',
		httpOnly: true,
		sameSite: 'lax',
		secure: url.protocol === 'https:',
		expires: expiresAt
	});
	redirect(303, to.href);
};
