import { z } from 'zod';
import { LIFECYCLES } from '#lib/domain/catalog.ts';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { queryFilter } from '#lib/server/forms/index.ts';
import { listTeams } from '#lib/server/queries/teams.ts';
import { CATALOG_PAGE_SIZE, CATALOG_SORTS, catalogPage, listCategories } from '#lib/server/queries/technologies.ts';
import { ratingsDue } from '#lib/server/views/due.ts';
import type { PageServerLoad } from './$types';

// A query string is a view to show, not input to refuse: an odd value falls back to the default.
const filterSchema = z.object({
	q: queryFilter.text(100),
	category: queryFilter.text(50),
	team: queryFilter.id,
	lifecycle: z.enum(LIFECYCLES).optional().catch(undefined),
	// due: never rated or past the reassessment cadence; overdue: rated, and past it.
	age: z.enum(['due', 'overdue']).optional().catch(undefined),
	sort: z.enum(CATALOG_SORTS).catch('name').default('name'),
	dir: z.enum(['asc', 'desc']).catch('asc').default('asc'),
	// A page past the end, however far, is the last page (catalogPage clamps it); nonsense is the first.
	page: z
		.string()
		.regex(/^\d+$/)
		.transform((v) => Math.max(1, Math.min(Number(v), Number.MAX_SAFE_INTEGER)))
		.catch(1)
		.default(1)
});

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const params = Object.fromEntries([...event.url.searchParams].filter(([, v]) => v !== ''));
	const filter = filterSchema.parse(params);
	// The age filter narrows the page to the ids it names; the lists beside it do not wait for it.
	const ids = filter.age
		? ratingsDue().then((due) =>
				[...due.values()].filter((d) => (filter.age === 'due' ? d.isDue : d.due?.overdueBy != null)).map((d) => d.id)
			)
		: Promise.resolve(undefined);
	const [catalog, categories, teams] = await Promise.all([
		ids.then((ids) =>
			catalogPage(
				{ q: filter.q, category: filter.category, teamId: filter.team, lifecycle: filter.lifecycle, ids },
				{ sort: filter.sort, dir: filter.dir, page: filter.page }
			)
		),
		listCategories(),
		listTeams()
	]);
	return {
		...catalog,
		pageSize: CATALOG_PAGE_SIZE,
		categories,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		lifecycles: LIFECYCLES,
		filter: { ...filter, page: catalog.page },
		canEdit: can(user, 'editCatalog')
	};
};
