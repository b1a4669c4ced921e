import { z } from 'zod';
import { LIFECYCLES } from '$lib/domain/catalog';
import { hasRole, requireUser } from '$lib/server/auth/guards';
import { listTeams } from '$lib/server/queries/teams';
import { listCategories, listTechnologies } from '$lib/server/queries/technologies';
import type { PageServerLoad } from './$types';

// Query parameters are a filter, not input to reject: anything odd just means "no filter".
const filterSchema = z.object({
	q: z.string().max(100).optional().catch(undefined),
	category: z.string().max(50).optional().catch(undefined),
	team: z.coerce.number().int().positive().optional().catch(undefined),
	lifecycle: z.enum(LIFECYCLES).optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
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
		canEdit: hasRole(user, 'lead')
	};
};
