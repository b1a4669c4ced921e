import { backstageRadar } from '#lib/domain/backstage.ts';
import { blipsFor, byorRows, quadrantOf, ringOf, unmappedCategories } from '#lib/domain/tech-radar.ts';
import { getFramework } from '../queries/framework';
import { closedRatings } from '../queries/rating-history';
import { chooseResultsRound, pickedRound, roundStatus } from '#lib/domain/round-choice.ts';
import { type TechnologyResult } from '../queries/results';
import { previousResults } from '../queries/stored-results';
import { listRounds } from '../queries/rounds';
import { getCadenceSetting, getRadarConfig } from '../queries/settings';
import { ratingDue } from '#lib/domain/cadence.ts';
import { listTechnologies } from '../queries/technologies';
import { shownResults } from './shown-results';

/**
 * Everything the radar picture and its exports need: for a round picked, or by default each
 * technology's latest closed rating, moving against the closed rating each had before.
 */
export async function radarFor(roundParam: number | null) {
	const rounds = (await listRounds()).filter((r) => r.state !== 'draft');
	const round = pickedRound(rounds, roundParam);
	const [config, technologies, { shown, before }, baseline, framework, cadence] = await Promise.all([
		getRadarConfig(),
		listTechnologies(),
		shownResults(round),
		round ? previousResults(round.id) : Promise.resolve(new Map<number, TechnologyResult>()),
		getFramework((round ?? chooseResultsRound(rounds).round)?.frameworkVersionId),
		getCadenceSetting()
	]);
	const today = new Date();
	const previous = before ?? baseline;
	const byId = new Map(technologies.map((t) => [t.id, t]));
	const categories = [...new Set(technologies.map((t) => t.category))].sort();
	const rated = [...shown.values()].filter((r) => r.rating !== null && byId.has(r.technologyId));
	const blips = blipsFor(
		rated.map((r) => {
			const t = byId.get(r.technologyId)!;
			return {
				slug: t.slug,
				name: t.name,
				category: t.category,
				rating: r.rating!.rating,
				level: r.rating!.level,
				previousLevel: previous.get(r.technologyId)?.rating?.level ?? null
			};
		}),
		config
	).map((b, i) => {
		const { source, technologyId } = rated[i];
		// Past its reassessment cadence, as the portfolio marks it: the blip sits where the team saw it then.
		return { ...b, source, due: ratingDue(source.closedAt, byId.get(technologyId)!, cadence, today) };
	});
	return {
		round: round ? roundStatus(round) : null,
		rounds: rounds.map((r) => ({ id: r.id, name: r.name, state: r.state })),
		config,
		blips,
		// Without a round picked, each row names the round its rating comes from.
		byor: byorRows(
			blips.map((b) => ({ ...b, from: round ? undefined : b.source.roundName })),
			config,
			framework.levels
		),
		categories,
		unmapped: unmappedCategories(categories, config)
	};
}

/**
 * The radar as Backstage's tech-radar plugin loads it: every technology rated in a closed round,
 * with its ring moves across the closed rounds. One statement reads every rating there is.
 */
export async function backstageRadarJson() {
	const [config, technologies, rated] = await Promise.all([getRadarConfig(), listTechnologies(), closedRatings()]);
	const history = new Map<number, { round: string; date: string; level: number; ring: ReturnType<typeof ringOf> }[]>();
	for (const row of rated) {
		const list = history.get(row.technologyId) ?? [];
		list.push({ round: row.round, date: row.closedAt.toISOString(), level: row.level, ring: ringOf(row.level, config) });
		history.set(row.technologyId, list);
	}
	return backstageRadar(
		config.quadrants,
		technologies.map((t) => ({
			slug: t.slug,
			name: t.name,
			quadrant: quadrantOf(t.category, config),
			description: `${t.category}${t.teamName ? `, owned by ${t.teamName}` : ''}`,
			history: history.get(t.id) ?? []
		}))
	);
}
