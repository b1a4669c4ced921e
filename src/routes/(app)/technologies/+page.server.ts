import { z } from 'zod';
import { LIFECYCLES } from '$lib/domain/catalog';
import { can, requireCapability } from '$lib/server/auth/policy';
import { queryFilter } from '$lib/server/forms';
import { listTeams } from '$lib/server/queries/teams';
import { listCategories, listTechnologies } from '$lib/server/queries/technologies';
import type { PageServerLoad } from './$types';

const filterSchema = z.object({
	q: queryFilter.text(100),
	category: queryFilter.text(50),
	team: queryFilter.id,
	lifecycle: z.enum(LIFECYCLES).optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const params = Object.fromEntries([...event.url.searchParams].filter(([, v]) => v !== ''));
	const filter = filterSchema.parse(params);
	const [technologies, categories, teams] = await Promise.all([
		listTechnologies({ q: filter.q, category: filter.category, teamId: filter.team, lifecycle: filter.lifecycle }),
		listCategories(),
		listTeams()
	]);
	return {
		technologies,
		categories,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		lifecycles: LIFECYCLES,
		filter,
		canEdit: can(user, 'editCatalog')
	};
};
