import { levelDistribution, mean } from '$lib/domain/portfolio';
import { requireUser } from '$lib/server/auth/guards';
import { myAssessments } from '$lib/server/queries/responses';
import { chooseResultsRound, roundStatus } from '$lib/domain/round-choice';
import { storedResults } from '$lib/server/queries/results';
import { listRounds } from '$lib/server/queries/rounds';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireUser(event);
	const [assessments, rounds] = await Promise.all([myAssessments(user.id), listRounds()]);
	const { round: latest } = chooseResultsRound(rounds);
	const results = latest ? await storedResults(latest.id) : [];
	const ratings = results.flatMap((r) => (r.rating ? [r.rating] : []));
	return {
		name: user.name,
		assessments,
		openRounds: rounds.filter((r) => r.state === 'open'),
		portfolio: latest
			? {
					round: roundStatus(latest),
					rated: ratings.length,
					inScope: results.length,
					average: mean(ratings.map((r) => r.rating)),
					distribution: levelDistribution(ratings.map((r) => r.level))
				}
			: null
	};
};
