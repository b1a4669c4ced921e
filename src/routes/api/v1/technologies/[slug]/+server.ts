import { parseQuery, SlugParams } from '$lib/server/forms/api';
import { endpoint, json, Problem } from '$lib/server/http/api';
import { getTechnology } from '$lib/server/queries/technologies';
import { z } from 'zod';
import { technologyOut } from '$lib/server/views/api-technology';

export const GET = endpoint('read', async ({ params, url, request }) => {
	parseQuery(z.object({}).strict(), url);
	const slug = SlugParams.safeParse(params).success ? params.slug! : null;
	const found = slug ? await getTechnology(slug) : undefined;
	if (!found) throw new Problem(404, 'Not Found', `No technology has the slug ${JSON.stringify(params.slug)}.`);
	const etag = `"${found.version}"`;
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
	return json(technologyOut(found), { headers: { etag } });
});
