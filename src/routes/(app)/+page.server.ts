import { z } from 'zod';
import { levelOf } from '$lib/domain/aggregate';
import { levelDistribution, mean } from '$lib/domain/portfolio';
import { chooseResultsRound, roundStatus } from '$lib/domain/round-choice';
import { can, requireCapability } from '$lib/server/auth/policy';
import { queryFilter, queryId } from '$lib/server/forms';
import { clampPage, myWork, pagesOf } from '$lib/server/queries/my-assessments';
import { listRoundsWithRatings } from '$lib/server/queries/rounds';
import { initiativeCounts, initiativeViews } from '$lib/server/views/initiatives';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	// ?round=…&page=… pages through one round's list; the others show their first page.
	const paging = z
		.object({
			round: queryId.catch(0),
			page: queryFilter.page
		})
		.catch({ round: 0, page: 1 })
		.parse({ round: event.url.searchParams.get('round') ?? 0, page: event.url.searchParams.get('page') ?? 1 });
	// Someone demoted to viewer keeps their assignments on record, but is no longer asked to score.
	const scores = can(user, 'score');
	const [work, rounds, initiatives] = await Promise.all([
		scores ? myWork(user.id, (id) => (id === paging.round ? paging.page : 1)) : { rounds: [], assessments: [], next: null },
		listRoundsWithRatings(),
		initiativeViews()
	]);
	const { round: latest } = chooseResultsRound(rounds);
	const ratings = latest?.ratings ?? [];
	return {
		name: user.name,
		myRounds: work.rounds.map((r) => ({
			...r,
			page: r.roundId === paging.round ? clampPage(paging.page, r) : 1,
			pages: pagesOf(r),
			todo: work.assessments.filter((a) => a.roundId === r.roundId)
		})),
		next: work.next,
		// Focus Continue only on the plain dashboard: paging through a list keeps the keyboard where it was.
		focusContinue: !event.url.search,
		openRounds: rounds
			.filter((r) => r.state === 'open')
			.map(({ id, name, dueDate, submitted, assigned, technologies }) => ({ id, name, dueDate, submitted, assigned, technologies })),
		initiatives: {
			counts: initiativeCounts(initiatives),
			overdue: initiatives
				.filter((i) => i.progress.status === 'overdue')
				.map(({ id, name, goal, progress }) => ({ id, name, goal, progress }))
		},
		portfolio: latest
			? {
					round: roundStatus(latest),
					rated: ratings.length,
					inScope: latest.technologies,
					average: mean(ratings),
					distribution: levelDistribution(ratings.map(levelOf))
				}
			: null
	};
};
