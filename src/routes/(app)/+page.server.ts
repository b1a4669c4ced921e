import { z } from 'zod';
import { levelDistribution, mean } from '#lib/domain/portfolio.ts';
import { ratingSource, sourceRounds } from '#lib/domain/rating-source.ts';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { runningCalibrationsFor } from '#lib/server/queries/calibration.ts';
import { queryFilter, queryId } from '#lib/server/forms/index.ts';
import { clampPage, myWork, pagesOf } from '#lib/server/queries/my-assessments.ts';
import { latestClosedRatings } from '#lib/server/queries/stored-results.ts';
import { listRounds } from '#lib/server/queries/rounds.ts';
import { initiativeCounts, initiativeViews } from '#lib/server/views/initiatives.ts';
import { readerOf } from '#lib/server/views/reader.ts';
import { ratingsDue } from '#lib/server/views/due.ts';
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
	const latestRatings = latestClosedRatings();
	const [work, rounds, initiatives, { ratings: latest, threshold }, due, calibrations] = await Promise.all([
		scores ? myWork(user.id, (id) => (id === paging.round ? paging.page : 1)) : { rounds: [], assessments: [], next: null },
		listRounds(),
		readerOf(user).then((reader) => initiativeViews(reader)),
		latestRatings,
		// Those who scope rounds see what is due for reassessment, from the same latest ratings.
		can(user, 'manageRounds')
			? ratingsDue(
					new Date(),
					latestRatings.then(({ ratings }) => ratings)
				).then((all) => [...all.values()].filter((d) => d.isDue))
			: null,
		scores ? runningCalibrationsFor(user.id) : []
	]);
	// Each technology's latest closed rating, whichever round it comes from: a small round that
	// closed last must not stand for the whole estate.
	const now = new Date();
	const sources = latest.map((r) => ratingSource(r.round, r.submitted, threshold, now));
	return {
		name: user.name,
		due: due && {
			count: due.length,
			// The longest overdue first; never rated after them.
			first: due
				.sort((a, b) => (b.due?.overdueBy ?? -1) - (a.due?.overdueBy ?? -1) || a.name.localeCompare(b.name))
				.slice(0, 8)
				.map((d) => ({ slug: d.slug, name: d.name, ratedIn: d.ratedIn, label: d.due?.label ?? 'never rated' }))
		},
		// A session is live: the people who can vote in it are asked to join from here as well as by email.
		calibrations,
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
		portfolio: latest.length
			? {
					rated: latest.length,
					average: mean(latest.map((r) => r.rating)),
					distribution: levelDistribution(latest.map((r) => r.level)),
					sources: sourceRounds(
						sources,
						rounds.map((r) => r.id)
					),
					thin: sources.filter((s) => s.thin).length,
					threshold
				}
			: null
	};
};
