import { requireUser } from '$lib/server/auth/guards';
import { myAssessments } from '$lib/server/queries/responses';
import { listRounds } from '$lib/server/queries/rounds';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const [assessments, rounds] = await Promise.all([myAssessments(user.id), listRounds()]);
	return { name: user.name, assessments, openRounds: rounds.filter((r) => r.state === 'open') };
};
