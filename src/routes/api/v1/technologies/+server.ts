import { decodeCursor, encodeCursor, parseQuery, TechnologyListQuery } from '#lib/server/api/parse.ts';
import { TechnologyBulkSchema, TechnologyCreateSchema } from '#lib/server/api/write-schemas.ts';
import { endpoint, json, readJson, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { createTechnology, getTechnology, pageTechnologies, upsertTechnologies } from '#lib/server/queries/technologies.ts';
import { technologyOut } from '#lib/server/api/technology.ts';
import { createInput, planBulk } from '#lib/server/api/writes.ts';
import { refuseWrite, technologyResponse } from '#lib/server/api/technology.ts';

export const GET = endpoint('read', async ({ url }) => {
	const query = parseQuery(TechnologyListQuery, url);
	const page = await pageTechnologies(
		{ q: query.q, category: query.category, teamId: query.team, lifecycle: query.lifecycle },
		decodeCursor(query.cursor),
		query.limit
	);
	return json({ items: page.items.map(technologyOut), nextCursor: page.more ? encodeCursor(page.items.at(-1)!.slug) : null });
});

/** Creates one technology: 201 with its ETag and Location; a taken slug or unknown team is named. */
export const POST = endpoint('editCatalog', async ({ url, request }, user) => {
	parseQuery(TechnologyListQuery.pick({}), url);
	const input = createInput(await readJson(request, TechnologyCreateSchema));
	await refuseWrite(() => createTechnology(user.id, input));
	return technologyResponse((await getTechnology(input.slug))!, 201);
});

/** Upserts technologies by slug, all or nothing. */
export const PATCH = endpoint('editCatalog', async ({ url, request }, user) => {
	parseQuery(TechnologyListQuery.pick({}), url);
	const { items } = await readJson(request, TechnologyBulkSchema);
	const plan = await refuseWrite(
		() =>
			upsertTechnologies(
				user.id,
				items.map((i) => i.slug),
				(existing) => planBulk(items, existing)
			),
		'items'
	);
	return json({ created: plan.created, updated: plan.updated, unchanged: plan.unchanged });
});

export const fallback = methodNotAllowed(['GET', 'POST', 'PATCH']);
