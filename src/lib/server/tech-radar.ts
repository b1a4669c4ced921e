import { blipsFor, byorRows } from '$lib/domain/tech-radar';
import { getFramework } from './queries/framework';
import { defaultResultsRound, storedResults } from './queries/results';
import { listRounds } from './queries/rounds';
import { getRadarConfig } from './queries/settings';
import { listTechnologies } from './queries/technologies';

/** Everything the radar picture and its exports need, for a round (default: the newest with results). */
export async function radarFor(roundParam: number | null) {
	const rounds = (await listRounds()).filter((r) => r.state !== 'draft');
	const round = rounds.find((r) => r.id === roundParam) ?? (await defaultResultsRound(rounds));
	const previous = round ? rounds[rounds.indexOf(round) + 1] : undefined;
	const [config, technologies, current, before, framework] = await Promise.all([
		getRadarConfig(),
		listTechnologies(),
		round ? storedResults(round.id) : Promise.resolve([]),
		previous ? storedResults(previous.id) : Promise.resolve([]),
		getFramework(round?.frameworkVersionId)
	]);
	const then = new Map(before.map((r) => [r.technologyId, r.rating?.level ?? null]));
	const rated = current.filter((r) => r.rating !== null);
	const blips = blipsFor(
		rated.map((r) => {
			const t = technologies.find((x) => x.id === r.technologyId)!;
			return {
				slug: t.slug,
				name: t.name,
				category: t.category,
				rating: r.rating!.rating,
				level: r.rating!.level,
				previousLevel: then.get(r.technologyId) ?? null
			};
		}),
		config
	);
	return {
		round: round ? { id: round.id, name: round.name, state: round.state } : null,
		previous: previous ? { id: previous.id, name: previous.name } : null,
		rounds: rounds.map((r) => ({ id: r.id, name: r.name })),
		config,
		blips,
		byor: byorRows(blips, config, framework.levels),
		categories: [...new Set(technologies.map((t) => t.category))].sort()
	};
}
