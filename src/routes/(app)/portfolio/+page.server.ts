import { z } from 'zod';
import { LIFECYCLES } from '$lib/domain/catalog';
import { vectorMedians } from '$lib/domain/aggregate';
import { vectorsInLaneOrder } from '$lib/domain/framework';
import { laneAverages, levelDistribution, sortTechnologies, vectorAverages, type PortfolioTech } from '$lib/domain/portfolio';
import { requireCapability } from '$lib/server/auth/policy';
import { queryFilter } from '$lib/server/forms';
import { getFramework } from '$lib/server/queries/framework';
import { chooseResultsRound, roundStatus } from '$lib/domain/round-choice';
import { storedResults, type TechnologyResult } from '$lib/server/queries/results';
import { listRounds } from '$lib/server/queries/rounds';
import { listTeams } from '$lib/server/queries/teams';
import { listCategories, listTechnologies } from '$lib/server/queries/technologies';
import { byUrgency } from '$lib/domain/initiatives';
import { initiativeViews } from '$lib/server/views/initiatives';
import type { PageServerLoad } from './$types';

const PAGE_SIZE = 100;

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'read');
	const p = event.url.searchParams;
	const rounds = (await listRounds()).filter((r) => r.state !== 'draft');
	const { round, previous } = chooseResultsRound(rounds, Number(p.get('round')));
	const framework = await getFramework(round?.frameworkVersionId);
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
			page: z.coerce.number().int().min(1).catch(1).default(1)
		})
		.parse(Object.fromEntries([...p].filter(([, v]) => v !== '')));

	// A handful of queries for the whole page, whatever the number of technologies.
	const [technologies, current, before, teams, categories, initiatives] = await Promise.all([
		listTechnologies({ teamId: query.team, category: query.category, lifecycle: query.lifecycle }),
		round ? storedResults(round.id) : Promise.resolve([] as TechnologyResult[]),
		previous ? storedResults(previous.id) : Promise.resolve([] as TechnologyResult[]),
		listTeams(),
		listCategories(),
		initiativeViews()
	]);
	const byId = (results: TechnologyResult[]) => new Map(results.map((r) => [r.technologyId, r]));
	const now = byId(current);
	const then = byId(before);
	const inRound = technologies.filter((t) => now.has(t.id));
	const rows: PortfolioTech[] = inRound.map((t) => {
		const r = now.get(t.id)!;
		return {
			slug: t.slug,
			name: t.name,
			teamName: t.teamName,
			rating: r.rating?.rating ?? null,
			level: r.rating?.level ?? null,
			medians: vectorMedians(r),
			disagreements: Object.entries(r.vectors)
				// A disagreement talked through in calibration is settled.
				.filter(([, a]) => a.disagreement && a.calibratedFrom === undefined)
				.map(([k]) => k)
		};
	});
	const filtered = query.level === undefined ? rows : rows.filter((r) => r.level === query.level);
	const sorted = sortTechnologies(filtered, query.sort, query.dir);
	const pages = Math.max(1, Math.ceil(sorted.length / PAGE_SIZE));
	const page = Math.min(query.page, pages);
	return {
		round: round ? roundStatus(round) : null,
		previous: previous ? { id: previous.id, name: previous.name } : null,
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
