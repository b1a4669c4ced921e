/** The assessment method as data: vectors, level anchors, owner lanes, aggregate levels. */

export const LANES = ['plan', 'build', 'run'] as const;
export type Lane = (typeof LANES)[number];

export const LANE_INFO: Record<Lane, { name: string; owner: string; summary: string }> = {
	plan: {
		name: 'Plan',
		owner: 'Architecture',
		summary: 'Where the technology is going: design, upgrades, roadmap and eventual replacement.'
	},
	build: {
		name: 'Build',
		owner: 'Engineering',
		summary: 'How teams work with it: interfaces, automation, delivery and day-to-day experience.'
	},
	run: {
		name: 'Run',
		owner: 'Operations',
		summary: 'How it is kept alive: support, operation, recovery, stability and documentation.'
	}
};

export type Vector = {
	key: string;
	name: string;
	description: string;
	lane: Lane;
	weight: number;
	/** Index = level 0..5: what that score means for this vector, in one line. */
	anchors: string[];
	/** A critical vector caps the technology's level at its median plus the version's margin. */
	critical?: boolean;
};

export type Framework = {
	version: number;
	name: string;
	/** Index = level 0..5: what a whole-technology rating at that level means. */
	levels: string[];
	vectors: Vector[];
	/** How far above a critical vector's median the level may be (default 1). */
	criticalMargin?: number;
};

export const DEFAULT_CRITICAL_MARGIN = 1;

export const VECTOR_KEY_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;

/** How long a vector's texts may be, whether typed in the framework editor or imported from a lens. */
export const VECTOR_TEXT_MAX = { name: 100, description: 1000, guidance: 500 };

/** Problems that would make a framework unusable; empty when it is sound. */
export function frameworkProblems(framework: Pick<Framework, 'levels' | 'vectors'>): string[] {
	const problems: string[] = [];
	if (framework.levels.length !== 6) problems.push('There must be six aggregate level descriptions (0–5).');
	if (framework.vectors.length === 0) problems.push('A framework needs at least one vector.');
	const seen = new Set<string>();
	for (const v of framework.vectors) {
		if (!VECTOR_KEY_PATTERN.test(v.key)) problems.push(`Vector key "${v.key}" is not a valid key.`);
		if (seen.has(v.key)) problems.push(`Vector key "${v.key}" is used twice.`);
		seen.add(v.key);
		if (v.anchors.length !== 6 || v.anchors.some((a) => !a.trim())) problems.push(`${v.name} needs a guidance line for every level 0–5.`);
		if (!(v.weight > 0 && v.weight <= 10)) problems.push(`${v.name} needs a weight above 0 and at most 10.`);
		if (!LANES.includes(v.lane)) problems.push(`${v.name} has an unknown lane.`);
	}
	return problems;
}

export function vectorsByLane<V extends { lane: Lane }>(vectors: V[]): { lane: Lane; vectors: V[] }[] {
	return LANES.map((lane) => ({ lane, vectors: vectors.filter((v) => v.lane === lane) })).filter((g) => g.vectors.length > 0);
}

/** Plan, then Build, then Run, each lane in the framework's own order: the order of every radar and table. */
export function vectorsInLaneOrder<V extends { lane: Lane }>(vectors: V[]): V[] {
	return vectorsByLane(vectors).flatMap((g) => g.vectors);
}
