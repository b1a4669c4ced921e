import type { Handle } from '@sveltejs/kit';
import { endSessionOrigin } from '$lib/server/auth/oidc';

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
	if (event.url.protocol === 'https:') response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	if (event.locals.user && !event.url.pathname.startsWith('/_app/')) {
		response.headers.set('Cache-Control', 'no-store');
	}
	return response;
};
