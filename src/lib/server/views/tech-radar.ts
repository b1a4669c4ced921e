import { blipsFor, byorRows, unmappedCategories } from '$lib/domain/tech-radar';
import { getFramework } from '../queries/framework';
import { chooseResultsRound, roundStatus } from '$lib/domain/round-choice';
import { previousResults, storedResults } from '../queries/results';
import { listRounds } from '../queries/rounds';
import { getRadarConfig } from '../queries/settings';
import { listTechnologies } from '../queries/technologies';

/** Everything the radar picture and its exports need, for a round (default: the newest closed one). */
export async function radarFor(roundParam: number | null) {
	const rounds = (await listRounds()).filter((r) => r.state !== 'draft');
	const { round } = chooseResultsRound(rounds, roundParam);
	const [config, technologies, current, before, framework] = await Promise.all([
		getRadarConfig(),
		listTechnologies(),
		round ? storedResults(round.id) : Promise.resolve([]),
		round ? previousResults(round.id) : Promise.resolve(new Map<number, never>()),
		getFramework(round?.frameworkVersionId)
	]);
	const categories = [...new Set(technologies.map((t) => t.category))].sort();
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
				previousLevel: before.get(r.technologyId)?.rating?.level ?? null
			};
		}),
		config
	);
	return {
		round: round ? roundStatus(round) : null,
		rounds: rounds.map((r) => ({ id: r.id, name: r.name, state: r.state })),
		config,
		blips,
		byor: byorRows(blips, config, framework.levels),
		categories,
		unmapped: unmappedCategories(categories, config)
	};
}
