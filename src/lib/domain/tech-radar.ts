/** The estate as a technology radar: quadrants from categories, rings from maturity levels. */

export const RINGS = ['Adopt', 'Trial', 'Assess', 'Hold'] as const;
export type Ring = (typeof RINGS)[number];

export type RadarConfig = {
	/** Four quadrant names, clockwise from the top right. */
	quadrants: [string, string, string, string];
	/** Category → quadrant index; unmapped categories fall in the last quadrant. */
	categories: Record<string, number>;
	/** Level 0..5 → ring. */
	rings: [Ring, Ring, Ring, Ring, Ring, Ring];
};

export const DEFAULT_RADAR: RadarConfig = {
	quadrants: ['Data and messaging', 'Platforms', 'Delivery and observability', 'Other'],
	categories: { database: 0, messaging: 0, orchestration: 1, containers: 1, 'infrastructure-as-code': 1, 'ci-cd': 2, observability: 2 },
	rings: ['Hold', 'Hold', 'Assess', 'Trial', 'Adopt', 'Adopt']
};

export type Movement = 'New' | 'Moved In' | 'Moved Out' | 'No Change';

export const ringOf = (level: number, config: RadarConfig): Ring => config.rings[Math.max(0, Math.min(5, level))];
export const quadrantOf = (category: string, config: RadarConfig): number => config.categories[category] ?? 3;

/** Moving in means towards Adopt (the centre); a technology rated for the first time is New. */
export function movement(current: Ring, previous: Ring | null): Movement {
	if (previous === null) return 'New';
	const delta = RINGS.indexOf(current) - RINGS.indexOf(previous);
	return delta < 0 ? 'Moved In' : delta > 0 ? 'Moved Out' : 'No Change';
}

export type Blip = {
	slug: string;
	name: string;
	category: string;
	rating: number;
	level: number;
	ring: Ring;
	quadrant: number;
	movement: Movement;
};

export function blipsFor(
	techs: { slug: string; name: string; category: string; rating: number; level: number; previousLevel: number | null }[],
	config: RadarConfig
): Blip[] {
	return techs.map((t) => {
		const ring = ringOf(t.level, config);
		return {
			slug: t.slug,
			name: t.name,
			category: t.category,
			rating: t.rating,
			level: t.level,
			ring,
			quadrant: quadrantOf(t.category, config),
			movement: movement(ring, t.previousLevel === null ? null : ringOf(t.previousLevel, config))
		};
	});
}

/**
 * Places blips inside their quadrant and ring band without overlap for small counts: each blip
 * gets an even share of the quadrant's angle, alternating depth within the band.
 */
export function placeBlips(blips: Blip[], radius: number): (Blip & { x: number; y: number })[] {
	const band = radius / RINGS.length;
	const groups = new Map<string, Blip[]>();
	for (const b of blips) {
		const key = `${b.quadrant}|${b.ring}`;
		groups.set(key, [...(groups.get(key) ?? []), b]);
	}
	const placed: (Blip & { x: number; y: number })[] = [];
	for (const group of groups.values()) {
		group.sort((a, b) => a.name.localeCompare(b.name));
		group.forEach((b, i) => {
			const ringIndex = RINGS.indexOf(b.ring);
			const start = (b.quadrant * Math.PI) / 2;
			const angle = start + ((i + 0.5) / group.length) * (Math.PI / 2) * 0.84 + (Math.PI / 2) * 0.08;
			const depth = band * (ringIndex + (group.length > 1 ? (i % 2 ? 0.68 : 0.32) : 0.5));
			// Clockwise from 12 o'clock: quadrant 0 is the top right.
			placed.push({ ...b, x: Math.round(depth * Math.sin(angle) * 10) / 10, y: Math.round(-depth * Math.cos(angle) * 10) / 10 });
		});
	}
	return placed;
}

/**
 * The quadrant names Build Your Own Radar draws (its `src/graphing/config.js`, as on
 * radar.thoughtworks.com): a row whose quadrant is anything else is dropped without a word. Our
 * quadrants keep their own names on screen and go into the file by position.
 */
export const BYOR_QUADRANTS = ['Techniques', 'Platforms', 'Tools', 'Languages & Frameworks'] as const;

/** Categories with no quadrant of their own: they share the last one, because a radar has only four. */
export function unmappedCategories(categories: string[], config: RadarConfig): string[] {
	return categories.filter((c) => config.categories[c] === undefined);
}

/**
 * Rows in ThoughtWorks' Build Your Own Radar layout (name, ring, quadrant, isNew, description; status as its newer versions read it).
 * `from` names the round a blip's rating comes from, where blips come from different rounds.
 */
export function byorRows(blips: (Blip & { from?: string })[], config: RadarConfig, levels: string[]) {
	return blips.map((b) => ({
		name: b.name,
		ring: b.ring,
		quadrant: BYOR_QUADRANTS[b.quadrant],
		isNew: b.movement === 'New' ? 'TRUE' : 'FALSE',
		description: `${config.quadrants[b.quadrant]} · rating ${b.rating.toFixed(1)} (level ${b.level}${b.from ? `, rated in ${b.from}` : ''}): ${levels[b.level] ?? ''}`,
		status: b.movement
	}));
}
