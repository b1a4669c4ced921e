// Plain JavaScript so that server.js, which starts adapter-node's handler without a build step of
// its own, sends the same header as the hooks (security-headers.ts).

/** Browsers keep to https for a year, subdomains included, so no one is downgraded. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=31536000; includeSubDomains';

/**
 * Whether a request came over https, as adapter-node decides the URL the hooks see: from ORIGIN
 * when it is set, else from the PROTOCOL_HEADER the proxy sends.
 * @param {{ ORIGIN?: string, PROTOCOL_HEADER?: string }} env
 * @param {import('node:http').IncomingHttpHeaders} headers
 */
export function servedOverHttps(env, headers) {
	if (env.ORIGIN) return env.ORIGIN.toLowerCase().startsWith('https:');
	if (!env.PROTOCOL_HEADER) return false;
	const sent = headers[env.PROTOCOL_HEADER.toLowerCase()];
	return (Array.isArray(sent) ? sent[0] : sent)?.split(',')[0].trim().toLowerCase() === 'https';
}

/**
 * adapter-node serves static files and `/_app/` assets with sirv before any hook runs, so the
 * hooks' HSTS never reaches them. Set here first, it goes out with those; on every other answer
 * the hooks set the same value, which takes its place.
 * @template {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next: () => void) => unknown} H
 * @param {H} handler
 * @param {{ ORIGIN?: string, PROTOCOL_HEADER?: string }} env
 * @returns {H}
 */
export function withTransportSecurity(handler, env) {
	return /** @type {H} */ (
		(req, res, next) => {
			if (servedOverHttps(env, req.headers)) res.setHeader('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
			return handler(req, res, next);
		}
	);
}
