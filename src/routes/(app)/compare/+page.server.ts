import { z } from 'zod';
import { compareRows, MAX_SERIES, parseList, widestGaps, type Series } from '$lib/domain/compare';
import { rateTechnology, vectorMedians } from '$lib/domain/aggregate';
import { vectorsInLaneOrder } from '$lib/domain/framework';
import { requireCapability } from '$lib/server/auth/policy';
import { getFramework } from '$lib/server/queries/framework';
import { chooseResultsRound, roundStatus } from '$lib/domain/round-choice';
import { computeResults, storedResults, teamMedians } from '$lib/server/queries/results';
import { listRounds } from '$lib/server/queries/rounds';
import { getAnonymity } from '$lib/server/queries/settings';
import { groupsToShow } from '$lib/domain/anonymity';
import { listTechnologies } from '$lib/server/queries/technologies';
import type { PageServerLoad } from './$types';

const MODES = ['technologies', 'rounds', 'teams'] as const;
type Mode = (typeof MODES)[number];

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'read');
	const params = event.url.searchParams;
	const mode: Mode = z
		.enum(MODES)
		.catch('technologies')
		.parse(params.get('mode') ?? 'technologies');
	const asked = parseList(params.getAll('t'), Infinity);
	const slugs = asked.slice(0, MAX_SERIES);
	const [technologies, allRounds] = await Promise.all([listTechnologies(), listRounds()]);
	const rounds = allRounds.filter((r) => r.state !== 'draft');
	const { round } = chooseResultsRound(rounds, Number(params.get('round')));
	const chosen = slugs.map((s) => technologies.find((t) => t.slug === s)).filter((t) => t !== undefined);
	const roundIds = parseList(params.getAll('r')).map(Number).filter(Number.isInteger);

	const base = {
		mode,
		technologies: technologies.map((t) => ({ slug: t.slug, name: t.name, category: t.category })),
		rounds: rounds.map((r) => ({ id: r.id, name: r.name, state: r.state })),
		selected: chosen.map((t) => t.slug),
		round: round ? roundStatus(round) : null,
		roundIds
	};
	const framework = await getFramework(round?.frameworkVersionId);
	// Lane order, as on every radar in the product.
	const vectors = vectorsInLaneOrder(framework.vectors).map((v) => ({ key: v.key, name: v.name, lane: v.lane, weight: v.weight }));
	let series: (Series & { rating: number | null; href?: string })[] = [];
	let problem: string | null = null;
	let teamsWithheld: string | null = null;

	if (mode === 'technologies') {
		if (chosen.length < 2) problem = 'Choose two to six technologies to compare.';
		else if (round) {
			const results = await storedResults(
				round.id,
				chosen.map((t) => t.id)
			);
			series = chosen.map((t) => {
				const r = results.find((x) => x.technologyId === t.id);
				return {
					label: t.name,
					href: `/technologies/${t.slug}`,
					rating: r?.rating?.rating ?? null,
					medians: vectorMedians(r)
				};
			});
		}
	} else {
		const tech = chosen[0];
		if (!tech) problem = 'Choose a technology.';
		else if (mode === 'rounds') {
			const results = await computeResults({ technologyId: tech.id });
			const wanted = roundIds.length ? roundIds : rounds.map((r) => r.id);
			// Oldest first, so the overlay reads as a progression.
			series = rounds
				.filter((r) => wanted.includes(r.id))
				.slice(0, MAX_SERIES)
				.reverse()
				.map((r) => {
					const res = results.find((x) => x.roundId === r.id);
					return {
						label: r.name,
						rating: res?.rating?.rating ?? null,
						medians: vectorMedians(res)
					};
				})
				.filter((s) => s.rating !== null);
			if (series.length < 2) problem = `${tech.name} has results in fewer than two of the chosen rounds.`;
		} else if (round) {
			const [answered, { threshold }] = await Promise.all([teamMedians(round.id, tech.id), getAnonymity()]);
			const { shown, withheld } = groupsToShow(answered, threshold);
			if (withheld)
				teamsWithheld = `${withheld} ${withheld === 1 ? 'team' : 'teams'} with fewer than ${threshold} respondents ${withheld === 1 ? 'is' : 'are'} not shown, so that nobody in ${withheld === 1 ? 'it' : 'them'} can be told apart.`;
			const teams = shown.slice(0, MAX_SERIES);
			series = teams.map((t) => ({
				label: `${t.name} (${t.respondents})`,
				medians: t.medians,
				rating: rateTechnology(vectors.map((v) => ({ median: t.medians[v.key] ?? null, weight: v.weight })))?.rating ?? null
			}));
			if (series.length < 2)
				problem = withheld
					? `Fewer than two teams with at least ${threshold} respondents answered for ${tech.name} in ${round.name}.`
					: `Fewer than two teams answered for ${tech.name} in ${round.name}.`;
		}
	}
	const rows = compareRows(vectors, series);
	// More than six overlaid radars cannot be told apart; say which were left out rather than drop them silently.
	const leftOut = mode === 'technologies' ? asked.slice(MAX_SERIES).map((s) => technologies.find((t) => t.slug === s)?.name ?? s) : [];
	return { ...base, vectors, series, rows, gaps: widestGaps(rows), problem, leftOut, teamsWithheld };
};
