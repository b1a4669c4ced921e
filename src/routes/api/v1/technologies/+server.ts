import { decodeCursor, encodeCursor, parseQuery, TechnologyListQuery } from '$lib/server/forms/api';
import { endpoint, json } from '$lib/server/http/api';
import { pageTechnologies } from '$lib/server/queries/technologies';
import { technologyOut } from '$lib/server/views/api-technology';

export const GET = endpoint('read', async ({ url }) => {
	const query = parseQuery(TechnologyListQuery, url);
	const page = await pageTechnologies(
		{ q: query.q, category: query.category, teamId: query.team, lifecycle: query.lifecycle },
		decodeCursor(query.cursor),
		query.limit
	);
	return json({ items: page.items.map(technologyOut), nextCursor: page.more ? encodeCursor(page.items.at(-1)!.slug) : null });
});
