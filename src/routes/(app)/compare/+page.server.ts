import { z } from 'zod';
import { compareRows, MAX_SERIES, parseList, widestGaps, type Series } from '#lib/domain/compare.ts';
import { rateTechnology, vectorMedians } from '#lib/domain/aggregate.ts';
import { vectorsInLaneOrder } from '#lib/domain/framework.ts';
import { can, requireCapability } from '#lib/server/auth/policy.ts';
import { getFramework } from '#lib/server/queries/framework.ts';
import { chooseResultsRound, pickedRound, roundStatus } from '#lib/domain/round-choice.ts';
import type { RatingSource } from '#lib/domain/rating-source.ts';
import { computeResults, teamMedians } from '#lib/server/queries/results.ts';
import { latestClosedResults } from '#lib/server/queries/stored-results.ts';
import { shownResults } from '#lib/server/views/shown-results.ts';
import { listRounds } from '#lib/server/queries/rounds.ts';
import { getAnonymity, getCadenceSetting } from '#lib/server/queries/settings.ts';
import { ratingDue, type Due } from '#lib/domain/cadence.ts';
import { groupsToShow, shareableResult } from '#lib/domain/anonymity.ts';
import { listTechnologies } from '#lib/server/queries/technologies.ts';
import { requestedRound } from '#lib/server/forms/index.ts';
import type { PageServerLoad } from './$types';

const MODES = ['technologies', 'rounds', 'teams'] as const;
type Mode = (typeof MODES)[number];

export const load: PageServerLoad = async (event) => {
	const user = requireCapability(event, 'read');
	const seesNames = can(user, 'seeRespondents');
	const params = event.url.searchParams;
	const mode: Mode = z
		.enum(MODES)
		.catch('technologies')
		.parse(params.get('mode') ?? 'technologies');
	const asked = parseList(params.getAll('t'), Infinity);
	const slugs = asked.slice(0, MAX_SERIES);
	const [technologies, allRounds] = await Promise.all([listTechnologies(), listRounds()]);
	const rounds = allRounds.filter((r) => r.state !== 'draft');
	// No round picked: each technology's latest closed rating, marked with its round.
	const round = pickedRound(rounds, requestedRound(event.url));
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
	const framework = await getFramework((round ?? chooseResultsRound(rounds).round)?.frameworkVersionId);
	// Lane order, as on every radar in the product.
	const vectors = vectorsInLaneOrder(framework.vectors).map((v) => ({ key: v.key, name: v.name, lane: v.lane, weight: v.weight }));
	let series: (Series & { rating: number | null; href?: string; source?: RatingSource | null; due?: Due | null })[] = [];
	let problem: string | null = null;
	let teamsWithheld: string | null = null;
	let teamsIn: string | null = null;
	// Series drawn without medians: below the anonymity threshold, for a reader who may not see names.
	const figuresWithheld: string[] = [];

	if (mode === 'technologies') {
		if (chosen.length < 2) problem = 'Choose two to six technologies to compare.';
		else {
			const [{ shown }, cadence] = await Promise.all([
				shownResults(
					round,
					chosen.map((t) => t.id),
					seesNames
				),
				getCadenceSetting()
			]);
			const today = new Date();
			series = chosen.map((t) => {
				const r = shown.get(t.id);
				if (r?.withheld) figuresWithheld.push(t.name);
				return {
					label: t.name,
					key: t.slug,
					href: `/technologies/${t.slug}`,
					rating: r?.rating?.rating ?? null,
					medians: vectorMedians(r),
					source: r?.rating ? r.source : null,
					// Past its reassessment cadence, as the portfolio marks it: a rating of then, not of now.
					due: r?.rating ? ratingDue(r.source.closedAt, t, cadence, today) : null
				};
			});
		}
	} else {
		const tech = chosen[0];
		if (!tech) problem = 'Choose a technology.';
		else if (mode === 'rounds') {
			const [computed, { threshold }] = await Promise.all([computeResults({ technologyId: tech.id }), getAnonymity()]);
			const results = computed.map((r) => shareableResult(r, { seesNames, threshold }));
			const wanted = roundIds.length ? roundIds : rounds.map((r) => r.id);
			// Oldest first, so the overlay reads as a progression.
			series = rounds
				.filter((r) => wanted.includes(r.id))
				.slice(0, MAX_SERIES)
				.reverse()
				.map((r) => {
					const res = results.find((x) => x.roundId === r.id);
					if (res?.withheld) figuresWithheld.push(r.name);
					return {
						label: r.name,
						key: String(r.id),
						rating: res?.rating?.rating ?? null,
						medians: vectorMedians(res)
					};
				})
				.filter((s) => s.rating !== null);
			if (series.length < 2) problem = `${tech.name} has results in fewer than two of the chosen rounds.`;
		} else {
			// By team within one round: the one picked, or the round of the technology's latest closed rating.
			const source = round ?? (await latestClosedResults([tech.id])).latest.get(tech.id)?.round;
			teamsIn = source?.name ?? null;
			if (!source) problem = `${tech.name} has no rating in a closed round yet. Choose a round.`;
			else {
				const [answered, { threshold }] = await Promise.all([teamMedians(source.id, tech.id), getAnonymity()]);
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
						? `Fewer than two teams with at least ${threshold} respondents answered for ${tech.name} in ${source.name}.`
						: `Fewer than two teams answered for ${tech.name} in ${source.name}.`;
			}
		}
	}
	const rows = compareRows(vectors, series);
	// More than six overlaid radars cannot be told apart; say which were left out rather than drop them silently.
	const leftOut = mode === 'technologies' ? asked.slice(MAX_SERIES).map((s) => technologies.find((t) => t.slug === s)?.name ?? s) : [];
	return { ...base, vectors, series, rows, gaps: widestGaps(rows), problem, leftOut, teamsWithheld, teamsIn, figuresWithheld };
};
