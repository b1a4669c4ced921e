import type { Handle } from '@sveltejs/kit/hooks';
import { endSessionOrigin } from '#lib/server/auth/oidc.ts';
import { STRICT_TRANSPORT_SECURITY } from './transport-security.js';

/** Headers on every response, signed in or not; HSTS only where the site is served over https. */
export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	// Signing out redirects a form post to the provider's end-session page: CSP must let the form go there.
	const provider = endSessionOrigin();
	const csp = response.headers.get('content-security-policy');
	if (provider && csp) response.headers.set('content-security-policy', csp.replace("form-action 'self'", `form-action 'self' ${provider}`));
	// Served over https (ORIGIN says so): browsers keep to https for a year, so no one is downgraded.
	// Static files never pass here: server.js gives them the same header (transport-security.js).
	if (event.url.protocol === 'https:') response.headers.set('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
	if (event.locals.user && !event.url.pathname.startsWith('/_app/')) {
		response.headers.set('Cache-Control', 'no-store');
	}
	return response;
};
