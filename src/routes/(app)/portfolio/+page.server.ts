import { z } from 'zod';
import { LIFECYCLES } from '#lib/domain/catalog.ts';
import { vectorMedians } from '#lib/domain/aggregate.ts';
import { vectorsInLaneOrder } from '#lib/domain/framework.ts';
import { laneAverages, levelDistribution, sortTechnologies, vectorAverages, type PortfolioTech } from '#lib/domain/portfolio.ts';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { queryFilter, requestedRound } from '#lib/server/forms/index.ts';
import { getFramework } from '#lib/server/queries/framework.ts';
import { chooseResultsRound, pickedRound, roundStatus } from '#lib/domain/round-choice.ts';
import { sourceRounds, type RatingSource } from '#lib/domain/rating-source.ts';
import type { TechnologyResult } from '#lib/server/queries/results.ts';
import { storedResults } from '#lib/server/queries/stored-results.ts';
import { shownResults } from '#lib/server/views/shown-results.ts';
import { listRounds } from '#lib/server/queries/rounds.ts';
import { listTeams } from '#lib/server/queries/teams.ts';
import { listCategories, listTechnologies } from '#lib/server/queries/technologies.ts';
import { byUrgency } from '#lib/domain/initiatives.ts';
import { initiativeViews } from '#lib/server/views/initiatives.ts';
import { readerOf } from '#lib/server/views/reader.ts';
import { ratingDue, type Due } from '#lib/domain/cadence.ts';
import { getCadenceSetting } from '#lib/server/queries/settings.ts';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 100;

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const p = event.url.searchParams;
	const rounds = (await listRounds()).filter((r) => r.state !== 'draft');
	// By default no single round: each technology's latest closed rating, marked with its round.
	const round = pickedRound(rounds, requestedRound(event.url));
	const previous = round && chooseResultsRound(rounds, round.id).previous;
	const framework = await getFramework((round ?? chooseResultsRound(rounds).round)?.frameworkVersionId);
	const vectors = vectorsInLaneOrder(framework.vectors).map((v) => ({ key: v.key, name: v.name, lane: v.lane }));
	const keys = new Set(vectors.map((v) => v.key));
	const query = z
		.object({
			team: queryFilter.id,
			category: queryFilter.text(50),
			lifecycle: z.enum(LIFECYCLES).optional().catch(undefined),
			level: z.coerce.number().int().min(0).max(5).optional().catch(undefined),
			sort: z
				.string()
				.refine((s) => s === 'rating' || s === 'name' || keys.has(s))
				.catch('rating')
				.default('rating'),
			dir: z.enum(['asc', 'desc']).catch('asc').default('asc'),
			// Only ratings past their reassessment cadence.
			overdue: z.literal('1').optional().catch(undefined),
			page: z.coerce.number().int().min(1).catch(1).default(1)
		})
		.parse(Object.fromEntries([...p].filter(([, v]) => v !== '')));

	// A handful of queries for the whole page, whatever the number of technologies.
	const [technologies, { shown: now, before }, previousRound, teams, categories, initiatives, cadence] = await Promise.all([
		listTechnologies({ teamId: query.team, category: query.category, lifecycle: query.lifecycle }),
		shownResults(round, undefined, can(user, 'seeRespondents')),
		previous ? storedResults(previous.id) : Promise.resolve([] as TechnologyResult[]),
		listTeams(),
		listCategories(),
		readerOf(user).then((reader) => initiativeViews(reader)),
		getCadenceSetting()
	]);
	const today = new Date();
	const then = before ?? new Map(previousRound.map((r) => [r.technologyId, r]));
	const inRound = technologies.filter((t) => now.has(t.id));
	const rows: (PortfolioTech & { source: RatingSource; withheld: boolean; due: Due | null })[] = inRound.map((t) => {
		const r = now.get(t.id)!;
		return {
			slug: t.slug,
			name: t.name,
			teamName: t.teamName,
			rating: r.rating?.rating ?? null,
			level: r.rating?.level ?? null,
			medians: vectorMedians(r),
			source: r.source,
			// Past its reassessment cadence: the row looks old.
			due: ratingDue(r.source.closedAt, t, cadence, today),
			// Below the anonymity threshold the row has no medians, so column and lane averages leave it out too.
			withheld: r.withheld !== null,
			disagreements: Object.entries(r.vectors)
				// A disagreement talked through in calibration is settled.
				.filter(([, a]) => a.disagreement && a.calibratedFrom === undefined)
				.map(([k]) => k)
		};
	});
	const filtered = rows.filter(
		(r) => (query.level === undefined || r.level === query.level) && (!query.overdue || r.due?.overdueBy != null)
	);
	const sorted = sortTechnologies(filtered, query.sort, query.dir);
	const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
	const page = Math.min(query.page, pages);
	return {
		round: round ? roundStatus(round) : null,
		previous: previous ? { id: previous.id, name: previous.name } : null,
		// Which rounds the rows come from, newest first; one entry when a round is picked.
		sources: sourceRounds(
			rows.map((r) => r.source),
			rounds.map((r) => r.id)
		),
		thin: rows.filter((r) => r.source.thin).length,
		overdue: rows.filter((r) => r.due?.overdueBy != null).length,
		withheld: rows.filter((r) => r.withheld).length,
		anyRated: now.size > 0,
		rounds: rounds.map((r) => ({ id: r.id, name: r.name, state: r.state })),
		vectors,
		query: { ...query, page },
		rows: sorted.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
		total: sorted.length,
		pages,
		averages: vectorAverages(filtered, vectors),
		distribution: {
			current: levelDistribution(rows.map((r) => r.level)),
			previous: levelDistribution(technologies.map((t) => then.get(t.id)?.rating?.level ?? null))
		},
		lanes: laneAverages(filtered, vectors),
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		categories,
		lifecycles: LIFECYCLES,
		initiatives: initiatives.sort(byUrgency).map(({ id, name, goal, progress }) => ({ id, name, goal, progress }))
	};
};
