/**
 * What Build Your Own Radar accepts from a sheet (CSV or JSON), as its source states it
 * (thoughtworks/build-your-own-radar: src/util/contentValidator.js for the headers,
 * src/graphing/config.js for the default quadrants and rings that radar.thoughtworks.com draws,
 * src/util/factory.js for the name matching and isNew). It cannot run here, so its rules are
 * restated, not our own idea of the format: a row whose quadrant or ring is not one of the
 * configured names is dropped without an error, which is the failure this guards against.
 */
const REQUIRED_HEADERS = ['name', 'ring', 'quadrant', 'isNew', 'description'];
const QUADRANTS = ['Techniques', 'Platforms', 'Tools', 'Languages & Frameworks'];
const RINGS = ['Adopt', 'Trial', 'Assess', 'Hold'];
// factory.js: case-insensitive, and "and" / "&" (with or without spaces or hyphens) are the same.
const normalise = (s: string) => s.toLowerCase().replace(/(-|\s+)(and)(-|\s+)|\s*(&)\s*/g, ' & ');

export function byorProblems(headers: string[], rows: Record<string, string>[]): string[] {
	const problems = REQUIRED_HEADERS.filter((h) => !headers.includes(h)).map((h) => `missing header "${h}"`);
	const quadrants = new Set(QUADRANTS.map(normalise));
	const rings = new Set(RINGS.map(normalise));
	for (const r of rows) {
		if (!quadrants.has(normalise(r.quadrant.trim()))) problems.push(`${r.name}: quadrant "${r.quadrant}" would be dropped`);
		if (!rings.has(normalise(r.ring.trim()))) problems.push(`${r.name}: ring "${r.ring}" would be dropped`);
		if (!['true', 'false'].includes(r.isNew.trim().toLowerCase())) problems.push(`${r.name}: isNew "${r.isNew}" is neither true nor false`);
		if (!r.name.trim()) problems.push('a row without a name');
	}
	return problems;
}
