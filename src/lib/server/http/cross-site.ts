import { escapeHtml } from '#lib/domain/text.ts';

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const WRITES = ['POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * SvelteKit's cross-site form check, done here instead so the refusal can say what to fix: the
 * usual cause is not an attack but a server reached at an address other than its ORIGIN setting.
 * Same rule as SvelteKit's: a form-encoded write whose Origin header is not this site's origin.
 */
export function crossSiteFormRefusal(request: Request, url: URL): Response | null {
	const type = request.headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase() ?? '';
	if (!WRITES.includes(request.method) || !FORM_TYPES.includes(type)) return null;
	const origin = request.headers.get('origin');
	if (origin === url.origin) return null;
	const message = `This form was sent from ${origin ?? 'a page that did not say where it came from'}, but this server takes forms only from ${url.origin}, so nothing was saved. If people reach Opsmaturity at ${origin ?? 'another address'}, set the ORIGIN environment variable to that address (for example ORIGIN=${origin ?? 'https://maturity.example.com'}) and restart it.`;
	if (request.headers.get('accept')?.includes('application/json')) return Response.json({ message }, { status: 403 });
	const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Form refused · Opsmaturity</title></head><body style="font-family:system-ui,sans-serif;max-width:40rem;margin:10vh auto;padding:1rem"><h1>Form refused</h1><p>${escapeHtml(message)}</p><p><a href="/">Back to the dashboard</a></p></body></html>`;
	return new Response(html, { status: 403, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
