import { cadenceOf, dueOf, type Due } from '#lib/domain/cadence.ts';
import { isoDate } from '#lib/domain/format.ts';
import { ratingAge } from '#lib/domain/rating-source.ts';
import { getCadenceSetting } from '../queries/settings';
import { latestClosedRatings } from '../queries/stored-results';
import { listTechnologies } from '../queries/technologies';

type LatestRatings = Awaited<ReturnType<typeof latestClosedRatings>>['ratings'];

export type RatingDue = {
	id: number;
	slug: string;
	name: string;
	teamId: number | null;
	/** The round of its latest closed rating and how long ago it closed; null when never rated. */
	ratedIn: { roundId: number; roundName: string; age: string } | null;
	cadenceDays: number;
	/** When it is due again; null when never rated (it is due now). */
	due: Due | null;
	/** Never rated, or past its cadence: the next round should take it. */
	isDue: boolean;
};

/**
 * When each technology in use (not retired) is due for reassessment: its cadence after the round
 * that last rated it closed. Two statements, whatever the size of the catalog; one when the caller
 * reads the latest ratings itself (`rated`, awaited beside the other two).
 */
export async function ratingsDue(now = new Date(), rated?: Promise<LatestRatings>): Promise<Map<number, RatingDue>> {
	const [technologies, { ratings }, cadence] = await Promise.all([
		listTechnologies(),
		rated ? rated.then((ratings) => ({ ratings })) : latestClosedRatings(),
		getCadenceSetting()
	]);
	const latest = new Map(ratings.map((r) => [r.technologyId, r.round]));
	const due = new Map<number, RatingDue>();
	for (const t of technologies) {
		if (t.lifecycle === 'retired') continue;
		const cadenceDays = cadenceOf(t, cadence);
		const round = latest.get(t.id);
		const when = round?.closedAt ? dueOf(round.closedAt, cadenceDays, now) : null;
		due.set(t.id, {
			id: t.id,
			slug: t.slug,
			name: t.name,
			teamId: t.teamId,
			ratedIn: round ? { roundId: round.id, roundName: round.name, age: round.closedAt ? ratingAge(round.closedAt, now) : 'closed' } : null,
			cadenceDays,
			due: when,
			isDue: !round || (when?.overdueBy ?? null) !== null
		});
	}
	return due;
}

/** The ratings whose due day fell in the week before `weekStarted`: what the weekly digest lists. */
export async function becameDue(weekStarted: Date) {
	const from = isoDate(new Date(weekStarted.getTime() - 7 * 86_400_000));
	const to = isoDate(weekStarted);
	return [...(await ratingsDue(weekStarted)).values()]
		.filter((d) => d.due && d.ratedIn && d.due.dueOn >= from && d.due.dueOn < to)
		.map((d) => ({ technologyId: d.id, technology: d.name, slug: d.slug, ratedIn: d.ratedIn!.roundName, dueOn: d.due!.dueOn }));
}
