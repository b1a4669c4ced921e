import { z } from 'zod';
import { parseQuery, SlugParams } from '#lib/server/api/parse.ts';
import { TechnologyPatchSchema } from '#lib/server/api/write-schemas.ts';
import { endpoint, Problem, readJson, requireIfMatch, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { getTechnology, updateTechnology } from '#lib/server/queries/technologies.ts';
import { sameTechnology, technologyInput } from '#lib/server/api/writes.ts';
import { refuseWrite, technologyEntity, technologyResponse } from '#lib/server/api/technology.ts';

async function found(params: Partial<Record<string, string>>) {
	const slug = SlugParams.safeParse(params).success ? params.slug! : null;
	const row = slug ? await getTechnology(slug) : undefined;
	if (!row) throw new Problem(404, 'Not Found', `No technology has the slug ${JSON.stringify(params.slug)}.`);
	return row;
}

export const GET = endpoint('read', async ({ params, url, request }) => {
	parseQuery(z.object({}).strict(), url);
	const row = await found(params);
	const { etag } = technologyEntity(row);
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
	return technologyResponse(row);
});

/** Changes the fields given, if the technology is still as the client read it (If-Match). */
export const PATCH = endpoint('editCatalog', async ({ params, url, request }, user) => {
	parseQuery(z.object({}).strict(), url);
	const row = await found(params);
	requireIfMatch(request, technologyEntity(row).etag);
	const body = await readJson(request, TechnologyPatchSchema);
	const current = { ...row, links: row.links ?? {} };
	const input = technologyInput(body, current);
	// Nothing to change: no new version, no audit row.
	if (sameTechnology(current, input)) return technologyResponse(row);
	const outcome = await refuseWrite(() => updateTechnology(user.id, row.id, row.version, input));
	// Changed between our read and our write: the same answer as a stale If-Match.
	if (outcome !== 'updated') throw new Problem(412, 'Precondition Failed', 'This technology changed meanwhile; read it again and retry.');
	return technologyResponse((await getTechnology(input.slug))!);
});

export const fallback = methodNotAllowed(['GET', 'PATCH']);
