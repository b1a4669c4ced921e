import { sql } from 'drizzle-orm';
import { backstageRadar } from '$lib/domain/backstage';
import { blipsFor, byorRows, quadrantOf, ringOf, unmappedCategories } from '$lib/domain/tech-radar';
import { db } from '../db';
import { rowsOf } from '../db/client';
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

/**
 * The radar as Backstage's tech-radar plugin loads it: every technology rated in a closed round,
 * with its ring moves across the closed rounds. One statement reads every rating there is.
 */
export async function backstageRadarJson() {
	const [config, technologies, rated] = await Promise.all([
		getRadarConfig(),
		listTechnologies(),
		db().execute(sql`
			select rr.technology_id as "technologyId", r.name as round, r.closed_at as "closedAt",
				(rr.result->'rating'->>'level')::int as level
			from round_result rr join round r on r.id = rr.round_id and r.state = 'closed'
			where rr.result->'rating' <> 'null'::jsonb
			order by r.closed_at, r.id`)
	]);
	const history = new Map<number, { round: string; date: string; level: number; ring: ReturnType<typeof ringOf> }[]>();
	for (const row of rowsOf<{ technologyId: number; round: string; closedAt: string | Date; level: number }>(rated)) {
		const list = history.get(Number(row.technologyId)) ?? [];
		list.push({
			round: row.round,
			date: new Date(row.closedAt).toISOString(),
			level: Number(row.level),
			ring: ringOf(Number(row.level), config)
		});
		history.set(Number(row.technologyId), list);
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
