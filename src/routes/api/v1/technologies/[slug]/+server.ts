import { parseQuery, SlugParams } from '$lib/server/forms/api';
import { createHash } from 'node:crypto';
import { endpoint, Problem } from '$lib/server/http/api';
import { getTechnology } from '$lib/server/queries/technologies';
import { z } from 'zod';
import { technologyOut } from '$lib/server/views/api-technology';

export const GET = endpoint('read', async ({ params, url, request }) => {
	parseQuery(z.object({}).strict(), url);
	const slug = SlugParams.safeParse(params).success ? params.slug! : null;
	const found = slug ? await getTechnology(slug) : undefined;
	if (!found) throw new Problem(404, 'Not Found', `No technology has the slug ${JSON.stringify(params.slug)}.`);
	// The body, not just the version: a renamed team changes what this answer says without changing the technology.
	const body = JSON.stringify(technologyOut(found));
	const etag = `"${found.version}-${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`;
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
	return new Response(body, { headers: { 'content-type': 'application/json', etag } });
});
