import type { Handle } from '@sveltejs/kit';

/** Headers on every response, signed in or not; HSTS only where the site is served over https. */
export const securityHeaders: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	response.headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
	// Served over https (ORIGIN says so): browsers keep to https for a year, so no one is downgraded.
	if (event.url.protocol === 'https:') response.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
	if (event.locals.user && !event.url.pathname.startsWith('/_app/')) {
		response.headers.set('Cache-Control', 'no-store');
	}
	return response;
};
