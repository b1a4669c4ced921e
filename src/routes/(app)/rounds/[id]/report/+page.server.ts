import { hasRole, requireUser } from '$lib/server/auth/guards';
import { listTeams } from '$lib/server/queries/teams';
import { reportFor } from './load-report';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const [report, teams] = await Promise.all([reportFor(event), listTeams()]);
	return { report, teams: teams.map((t) => ({ id: t.id, name: t.name })), canDownloadData: hasRole(user, 'lead'), query: event.url.search };
};
