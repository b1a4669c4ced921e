import { levelDistribution } from '$lib/domain/portfolio';
import { requireUser } from '$lib/server/auth/guards';
import { myAssessments } from '$lib/server/queries/responses';
import { defaultResultsRound, storedResults } from '$lib/server/queries/results';
import { listRounds } from '$lib/server/queries/rounds';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const [assessments, rounds] = await Promise.all([myAssessments(user.id), listRounds()]);
	const latest = await defaultResultsRound(rounds.filter((r) => r.state !== 'draft'));
	const results = latest ? await storedResults(latest.id) : [];
	const ratings = results.flatMap((r) => (r.rating ? [r.rating] : []));
	return {
		name: user.name,
		assessments,
		openRounds: rounds.filter((r) => r.state === 'open'),
		portfolio: latest
			? {
					round: latest.name,
					rated: ratings.length,
					inScope: results.length,
					average: ratings.length ? Math.round((ratings.reduce((n, r) => n + r.rating, 0) / ratings.length) * 10) / 10 : null,
					distribution: levelDistribution(ratings.map((r) => r.level))
				}
			: null
	};
};
