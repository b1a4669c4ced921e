import { error, redirect } from '@sveltejs/kit';
import { beginSignIn, flowCookie, oidcEnabled } from '#lib/server/auth/oidc.ts';
import { safeNext } from '#lib/server/auth/session.ts';
import type { RequestHandler } from './$types';

/** Starts a single sign-on: the browser goes to the provider, carrying a cookie that names this flow. */
export const GET: RequestHandler = async ({ url, cookies, getClientAddress }) => {
	if (!oidcEnabled()) error(404, 'Single sign-on is not set up here, or its provider cannot be reached right now.');
	const flow = await beginSignIn(safeNext(url.searchParams.get('next')), getClientAddress());
	if (!flow.ok && flow.busy === 'address')
		error(429, 'Too many sign-ins from your address are under way. Finish one, or wait 10 minutes, and try again.');
	if (!flow.ok) error(503, 'Too many sign-ins are under way right now. Wait a minute and try again.');
	const secure = url.protocol === 'https:';
	const { name, path } = flowCookie(secure);
	cookies.set(name, flow.flowToken, { path, httpOnly: true, sameSite: 'lax', secure, expires: flow.expiresAt });
	// The provider's authorization endpoint, from its discovery document: configuration, never the request.
	redirect(303, flow.url.href, { external: [flow.url.origin] });
};
