import type { RequestHandler } from './$types';
import { Problem, problemResponse } from '#lib/server/api/endpoint.ts';

/** Anything under /api/v1 that is no operation: a 404 in the API's own error format, whatever the method. */
export const fallback: RequestHandler = async ({ url }) =>
	problemResponse(new Problem(404, 'Not Found', `${url.pathname} is no operation of this API; /api/v1/openapi.json lists them.`));
