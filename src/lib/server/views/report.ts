import { vectorMedians } from '#lib/domain/aggregate.ts';
import { vectorsInLaneOrder } from '#lib/domain/framework.ts';
import { levelDistribution, mean, vectorAverages, type PortfolioTech } from '#lib/domain/portfolio.ts';
import { getFramework } from '../queries/framework';
import { previousClosedRound } from '#lib/domain/round-choice.ts';
import { previousResults, storedResults } from '../queries/stored-results';
import { getRound, listRounds } from '../queries/rounds';
import { backlogSummary, listBacklog } from '../queries/backlog';
import { roundTechnologies, teamName } from '../queries/report';
import { byUrgency } from '#lib/domain/initiatives.ts';
import { isoDate } from '#lib/domain/format.ts';
import { initiativeViews } from './initiatives';
import { factsOf } from '../queries/signals';
import { factsByVector } from '#lib/domain/signals.ts';
import { getAnonymity } from '../queries/settings';
import { backlogWithheldNote, mayTellApart, shareableResult } from '#lib/domain/anonymity.ts';

/**
 * `seesNames`: the reader may see who answered what; without it, vector figures below the anonymity threshold are left out.
 * `sections`: which technologies, of the round's `total`, get their section (a page of the report); all without it.
 */
export type ReportOptions = { teamId?: number; seesNames?: boolean; sections?: (total: number) => { first: number; count: number } };

const TOP_BACKLOG = 10;

/** Everything a round's maturity report shows, gathered with a fixed number of queries. */
export async function roundReport(roundId: number, options: ReportOptions = {}) {
	const round = await getRound(roundId);
	if (!round) return null;
	const previous = previousClosedRound(await listRounds(), roundId);
	const { threshold } = await getAnonymity();
	// Page, PDF and files alike show each round's figures as this reader may see them; the summary's weakest vectors follow.
	const reader = { seesNames: options.seesNames ?? false, threshold };
	const [framework, techs, current, before, teamLabel, initiatives] = await Promise.all([
		getFramework(round.frameworkVersionId),
		roundTechnologies(roundId, options.teamId),
		storedResults(roundId),
		previousResults(roundId),
		options.teamId ? teamName(options.teamId) : Promise.resolve(null),
		// Measured on this round's results, over the technologies it scored; a closed round's report is judged
		// on the day it closed, so it reads the same whenever it is downloaded.
		initiativeViews(
			reader,
			{ source: { kind: 'round', roundId, teamId: options.teamId } },
			round.state === 'closed' && round.closedAt ? isoDate(new Date(round.closedAt)) : undefined
		)
	]);
	const now = new Map(current.map((r) => [r.technologyId, shareableResult(r, reader)]));
	const then = new Map([...before].map(([id, r]) => [id, shareableResult(r, reader)]));
	const vectors = vectorsInLaneOrder(framework.vectors);
	const all = techs.map((t) => ({ ...t, result: now.get(t.id) ?? null, previous: then.get(t.id) ?? null }));
	const { first, count } = options.sections?.(all.length) ?? { first: 0, count: all.length };
	const shown = all.slice(first, first + count);
	// The summary's backlog figures span the round, read as counts and a top ten; each section's items only for the
	// sections shown: reading all 15,000 items of a 1,000-technology round to show ten technologies took most of the page.
	// Items read off a rating below the threshold are left out for this reader (see `backlogWithheldNote`).
	const openInRound = { technologyIds: all.map((t) => t.id), stillOpen: true, reader };
	const noItems: Awaited<ReturnType<typeof listBacklog>> = [];
	const shownIds = shown.map((t) => t.id);
	const [topBacklog, { withheld: backlogWithheld }, sectionItems, facts] = all.length
		? await Promise.all([
				listBacklog(openInRound, { limit: TOP_BACKLOG, offset: 0 }),
				backlogSummary(openInRound),
				shown.length ? listBacklog({ technologyIds: shownIds, stillOpen: true }) : noItems,
				// A closed round's report is judged on the day it closed, facts included.
				round.state === 'closed' && round.closedAt ? factsOf(shownIds, new Date(round.closedAt), true) : factsOf(shownIds)
			])
		: [noItems, { withheld: 0 }, noItems, new Map()];
	const openItems = new Map<number, { shown: typeof noItems; held: number }>();
	for (const b of sectionItems) {
		const entry = openItems.get(b.technologyId) ?? { shown: [], held: 0 };
		if (mayTellApart(b.answered, reader)) entry.shown.push(b);
		else entry.held++;
		openItems.set(b.technologyId, entry);
	}
	const technologies = shown.map((t) => {
		const { shown: items, held } = openItems.get(t.id) ?? { shown: [], held: 0 };
		// Facts beside each vector, flagged where the median this reader may see is two levels from them.
		const medians = Object.fromEntries(Object.entries(t.result?.vectors ?? {}).map(([key, v]) => [key, v.median]));
		return {
			...t,
			backlog: items,
			backlogWithheld: held ? backlogWithheldNote(held, threshold) : null,
			facts: factsByVector(facts.get(t.id) ?? [], medians)
		};
	});
	const rated = all.filter((t) => t.result?.rating);
	const asPortfolio: PortfolioTech[] = rated.map((t) => ({
		slug: t.slug,
		name: t.name,
		teamName: t.teamName,
		rating: t.result!.rating!.rating,
		level: t.result!.rating!.level,
		medians: vectorMedians(t.result),
		disagreements: []
	}));
	const moves = rated
		.filter((t) => t.previous?.rating)
		.map((t) => ({
			name: t.name,
			slug: t.slug,
			from: t.previous!.rating!.rating,
			to: t.result!.rating!.rating,
			change: Math.round((t.result!.rating!.rating - t.previous!.rating!.rating) * 10) / 10
		}))
		.filter((m) => m.change !== 0)
		.sort((a, b) => Math.abs(b.change) - Math.abs(a.change) || a.name.localeCompare(b.name));
	const { frameworkVersionId: _version, ...roundFields } = round;
	return {
		round: roundFields,
		previous: previous ? { id: previous.id, name: previous.name } : null,
		team: teamLabel,
		vectors,
		levels: framework.levels,
		criticalMargin: framework.criticalMargin ?? 1,
		technologies,
		initiatives: initiatives
			.filter((i) => i.progress.total > 0)
			.sort(byUrgency)
			.map(({ id, name, goal, dueOn, progress, technologies: set }) => ({
				id,
				name,
				goal,
				dueOn,
				progress,
				notMet: set.filter((t) => !t.met).map((t) => t.name)
			})),
		summary: {
			technologies: all.length,
			rated: rated.length,
			assigned: all.reduce((n, t) => n + (t.result?.assigned ?? 0), 0),
			submitted: all.reduce((n, t) => n + (t.result?.submitted ?? 0), 0),
			distribution: levelDistribution(all.map((t) => t.result?.rating?.level ?? null)),
			previousDistribution: levelDistribution(all.map((t) => t.previous?.rating?.level ?? null)),
			average: mean(rated.map((t) => t.result!.rating!.rating)),
			previousAverage: mean(all.filter((t) => t.previous?.rating).map((t) => t.previous!.rating!.rating)),
			weakest: vectorAverages(asPortfolio, vectors)
				.filter((v) => v.average !== null)
				.slice(0, 5),
			movers: { up: moves.filter((m) => m.change > 0).slice(0, 5), down: moves.filter((m) => m.change < 0).slice(0, 5) },
			topBacklog,
			backlogWithheld: backlogWithheld ? backlogWithheldNote(backlogWithheld, threshold) : null
		}
	};
}

export type RoundReport = NonNullable<Awaited<ReturnType<typeof roundReport>>>;
