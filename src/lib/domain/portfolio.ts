/** The estate at a glance: heatmap rows, column averages, level distribution and lane averages. */
import type { Lane } from './framework';

export type PortfolioTech = {
	slug: string;
	name: string;
	teamName: string | null;
	rating: number | null;
	level: number | null;
	medians: Record<string, number | null>;
	disagreements: string[];
};

export type SortKey = 'rating' | 'name' | string;

/** Sorts by rating, name or one vector's median; technologies without data always sink to the end. */
export function sortTechnologies<T extends PortfolioTech>(rows: T[], key: SortKey, direction: 'asc' | 'desc'): T[] {
	const value = (r: PortfolioTech) => (key === 'rating' ? r.rating : (r.medians[key] ?? null));
	const sign = direction === 'asc' ? 1 : -1;
	return [...rows].sort((a, b) => {
		if (key === 'name') return sign * a.name.localeCompare(b.name);
		const va = value(a);
		const vb = value(b);
		if (va === null || vb === null) return va === vb ? a.name.localeCompare(b.name) : va === null ? 1 : -1;
		return sign * (va - vb) || a.name.localeCompare(b.name);
	});
}

/** Mean to one decimal; null for no values. */
export const mean = (values: number[]) =>
	values.length ? Math.round((values.reduce((s, v) => s + v, 0) / values.length) * 10) / 10 : null;

/** Average median per vector across the technologies with data, weakest first. */
export function vectorAverages(rows: PortfolioTech[], vectors: { key: string; name: string }[]) {
	return vectors
		.map((v) => {
			const values = rows.map((r) => r.medians[v.key]).filter((m): m is number => m !== null && m !== undefined);
			return { key: v.key, name: v.name, average: mean(values), count: values.length };
		})
		.sort((a, b) => (a.average ?? 99) - (b.average ?? 99) || a.name.localeCompare(b.name));
}

/** How many technologies sit at each level 0–5. */
export function levelDistribution(levels: (number | null)[]): number[] {
	const counts = [0, 0, 0, 0, 0, 0];
	for (const l of levels) if (l !== null && l >= 0 && l <= 5) counts[l]++;
	return counts;
}

/** Average of the vector medians in each lane, per owning team: each owner group's share of the gaps. */
export function laneAverages(rows: PortfolioTech[], vectors: { key: string; lane: Lane }[]) {
	const teams = [...new Set(rows.map((r) => r.teamName ?? 'No team'))].sort();
	return teams.map((team) => {
		const mine = rows.filter((r) => (r.teamName ?? 'No team') === team);
		const lanes = Object.fromEntries(
			(['plan', 'build', 'run'] as const).map((lane) => [
				lane,
				mean(
					mine.flatMap((r) =>
						vectors
							.filter((v) => v.lane === lane)
							.map((v) => r.medians[v.key])
							.filter((m): m is number => m !== null && m !== undefined)
					)
				)
			])
		) as Record<Lane, number | null>;
		return { team, technologies: mine.length, lanes };
	});
}
