import { Problem, problemResponse } from '../api/endpoint';

/**
 * Form posts that could only end in a 500 inside SvelteKit are answered here instead: an action
 * name that is not a plain identifier (`?/__proto__` reaches Object.prototype), a body that is not
 * a web form, or a multipart body that cannot be read.
 */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];
const ACTION = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

function answer(request: Request, status: number, message: string): Response {
	if (request.headers.get('accept')?.includes('application/json')) return Response.json({ type: 'error', error: { message } }, { status });
	return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** The action a post names, found as SvelteKit finds it: the first query key that starts with a slash. */
function actionName(url: URL): string | null {
	for (const key of url.searchParams.keys()) if (key.startsWith('/')) return key.slice(1);
	return null;
}

/** SvelteKit looks actions up on a plain object and reserves `default`: either would end in a 500. */
const isUsableAction = (name: string) => ACTION.test(name) && name !== 'default' && !(name in Object.prototype);

export async function refuseUnreadablePost(request: Request, url: URL): Promise<Response | null> {
	if (request.method !== 'POST') return null;
	const name = actionName(url);
	if (name !== null && !isUsableAction(name)) return answer(request, 404, 'There is no such action here.');
	const type = request.headers.get('content-type')?.split(';', 1)[0].trim().toLowerCase() ?? '';
	if (!FORM_TYPES.includes(type))
		return answer(request, 415, 'Send this as a web form (application/x-www-form-urlencoded or multipart/form-data).');
	// A URL-encoded body always parses; a multipart one may not (a bad boundary, a cut-off part).
	if (type === 'multipart/form-data') {
		try {
			await request.clone().formData();
		} catch {
			return answer(request, 400, 'The form could not be read; send it again.');
		}
	}
	return null;
}

/** A path segment decoded where it can be, kept as sent where it cannot. */
function segment(raw: string): string {
	try {
		return decodeURIComponent(raw);
	} catch {
		return raw;
	}
}

/**
 * SvelteKit answers a path it cannot percent-decode (`/api/v1/technologies/%FF`) with its HTML
 * error page, before any route is chosen. Under /api/v1 (`/api/v%31/…` included: the rest of the
 * path is read segment by segment) the answer is the API's problem+json instead.
 */
export function malformedApiPath(url: URL): Response | null {
	try {
		// How SvelteKit decodes a path (decode_pathname): %25 stays an escaped percent sign.
		url.pathname.split('%25').forEach((part) => decodeURI(part));
		return null;
	} catch {
		const path = url.pathname.split('/').map(segment).join('/');
		if (path !== '/api/v1' && !path.startsWith('/api/v1/')) return null;
		return problemResponse(
			new Problem(400, 'Bad Request', 'The path is not valid percent-encoding: write each byte as %XX, and text as UTF-8 (ü is %C3%BC).', {
				errors: [{ field: 'path', message: 'not valid percent-encoding' }]
			})
		);
	}
}
