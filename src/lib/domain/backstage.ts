import { isWebLink } from './assessment';
import { slugify, type ImportRow, type TechnologyLinks } from './catalog';
import { RINGS, type Ring } from './tech-radar';

/**
 * Backstage, both ways: entities of a `catalog-info.yaml` become catalog rows, and the radar
 * becomes the JSON Backstage's tech-radar plugin loads (its TechRadarLoaderResponse).
 */

export const IMPORTED_KINDS = ['Component', 'Resource', 'System'] as const;

/** Backstage's lifecycles (experimental, production, deprecated) in this catalog's words; others are refused by the planner. */
const LIFECYCLE: Record<string, string> = { experimental: 'evaluating', production: 'production', deprecated: 'deprecated' };

type Entity = {
	kind?: unknown;
	metadata?: { name?: unknown; title?: unknown; description?: unknown; links?: unknown; annotations?: unknown };
	spec?: { type?: unknown; owner?: unknown; lifecycle?: unknown };
};

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** `group:default/platform-team`, `group:platform-team` and `platform-team` all name the group platform-team. */
export const ownerName = (owner: string) => owner.replace(/^[a-z]+:/i, '').replace(/^[^/]*\//, '');

/**
 * The team an owner names: a group (a bare name is one too), matched by name or by the name
 * Backstage would give it (lower-case, hyphens). A person, or a group with no team here, leaves the
 * technology unowned rather than refusing the whole import.
 */
export function teamFor(owner: string, teams: { name: string }[]): string {
	if (/^(?!group:)[a-z]+:/i.test(owner)) return '';
	const wanted = ownerName(owner).trim().toLowerCase();
	return teams.find((t) => t.name.trim().toLowerCase() === wanted || slugify(t.name) === slugify(wanted))?.name ?? '';
}

/** Which of our three links a Backstage link is, from its type, icon and title. */
function linkKind(link: { type?: unknown; icon?: unknown; title?: unknown }): keyof TechnologyLinks | null {
	const words = `${text(link.type)} ${text(link.icon)} ${text(link.title)}`.toLowerCase();
	if (/runbook|playbook/.test(words)) return 'runbook';
	if (/repo|source|github|gitlab|bitbucket|\bcode\b/.test(words)) return 'repo';
	if (/doc|wiki|handbook/.test(words)) return 'docs';
	return null;
}

function linksOf(entity: Entity): TechnologyLinks {
	const links: TechnologyLinks = {};
	for (const link of Array.isArray(entity.metadata?.links) ? entity.metadata.links : []) {
		const url = text(link?.url);
		const kind = link && typeof link === 'object' ? linkKind(link) : null;
		if (kind && !links[kind] && isWebLink(url, 500)) links[kind] = url;
	}
	// Where the entity's source lives, as Backstage records it: `url:https://…`.
	const annotations = entity.metadata?.annotations;
	const source =
		annotations && typeof annotations === 'object' ? text((annotations as Record<string, unknown>)['backstage.io/source-location']) : '';
	const sourceUrl = source.replace(/^url:/, '');
	if (!links.repo && isWebLink(sourceUrl, 500)) links.repo = sourceUrl;
	return links;
}

export type CatalogReading = { rows: ImportRow[]; skipped: { line: number; kind: string; name: string }[]; problems: string[] };

/** Entities as import rows: Components, Resources and Systems; other kinds (APIs, groups, locations) are skipped and counted. */
export function catalogRows(documents: { line: number; value: unknown }[], teams: { name: string }[]): CatalogReading {
	const reading: CatalogReading = { rows: [], skipped: [], problems: [] };
	for (const { line, value } of documents) {
		if (value === null || value === undefined) continue;
		const entity = value as Entity;
		if (typeof value !== 'object' || Array.isArray(value) || typeof entity.kind !== 'string') {
			reading.problems.push(`The document at line ${line} is not a Backstage entity: it has no kind.`);
			continue;
		}
		if (!(IMPORTED_KINDS as readonly string[]).includes(entity.kind)) {
			// Names as the file has them, cut short: these entities are not checked any further.
			reading.skipped.push({ line, kind: entity.kind.slice(0, 40), name: text(entity.metadata?.name).slice(0, 80) });
			continue;
		}
		const name = text(entity.metadata?.name);
		const owner = text(entity.spec?.owner);
		const lifecycle = text(entity.spec?.lifecycle).toLowerCase();
		const links = linksOf(entity);
		reading.rows.push({
			line,
			slug: name,
			name: text(entity.metadata?.title) || name,
			category: text(entity.spec?.type) || entity.kind.toLowerCase(),
			team: owner ? teamFor(owner, teams) : '',
			lifecycle: Object.hasOwn(LIFECYCLE, lifecycle) ? LIFECYCLE[lifecycle] : lifecycle,
			description: text(entity.metadata?.description),
			target: '',
			// No links in the entity keeps the ones stored here.
			links: Object.keys(links).length ? links : undefined
		});
	}
	return reading;
}

/** Looks like YAML for Backstage rather than a CSV: it starts (after comments) with `---` or `apiVersion:`. */
// Comment lines may end in \r\n: a form sends the text back with CRLF line breaks, and `.` stops at \r.
export const isCatalogYaml = (source: string) => /^(?:\s*#[^\n]*\n)*\s*(?:---|apiVersion\s*:)/.test(source.replace(/^\uFEFF/, ''));

const NAMED_SKIPS = 10;

/**
 * What an import leaves out, said in every preview, not only when nothing is left: a file with a
 * System, a Component and an API would otherwise show two to create and drop the API without a word.
 */
export function skippedNotice(skipped: CatalogReading['skipped']): string | undefined {
	if (!skipped.length) return undefined;
	const one = skipped.length === 1;
	const named = skipped.slice(0, NAMED_SKIPS).map((s) => `${s.kind} ${s.name ? `“${s.name}”` : '(no name)'} at line ${s.line}`);
	const more = skipped.length > NAMED_SKIPS ? ` and ${skipped.length - NAMED_SKIPS} more` : '';
	return `Skipped ${skipped.length} ${one ? 'entity of a kind that is' : 'entities of kinds that are'} not imported (only ${IMPORTED_KINDS.join(', ')} are): ${named.join(', ')}${more}.`;
}

/* The tech radar for Backstage. */

export type BackstageRadar = {
	quadrants: { id: string; name: string }[];
	rings: { id: string; name: string; color: string; description?: string }[];
	entries: {
		key: string;
		id: string;
		quadrant: string;
		title: string;
		url?: string;
		description?: string;
		timeline: { date: string; ringId: string; description?: string; moved?: -1 | 0 | 1 }[];
	}[];
};

const RING_COLORS: Record<Ring, string> = { Adopt: '#2e7d32', Trial: '#00838f', Assess: '#b58900', Hold: '#c62828' };

export type RatedRound = { round: string; date: string; level: number; ring: Ring };

/**
 * The radar as Backstage reads it. Each technology's timeline lists the rounds in which its ring
 * changed (and the first in which it was rated), newest first as the plugin expects; `moved` is 1
 * towards Adopt, -1 away from it.
 */
export function backstageRadar(
	quadrantNames: string[],
	technologies: { slug: string; name: string; quadrant: number; description: string; url?: string; history: RatedRound[] }[]
): BackstageRadar {
	const quadrantIds = quadrantNames.map((name, i) => slugify(name) || `quadrant-${i + 1}`);
	return {
		quadrants: quadrantNames.map((name, i) => ({ id: quadrantIds[i], name })),
		rings: RINGS.map((ring) => ({ id: ring.toLowerCase(), name: ring.toUpperCase(), color: RING_COLORS[ring] })),
		entries: technologies
			.filter((t) => t.history.length)
			.map((t) => {
				const moves: BackstageRadar['entries'][number]['timeline'] = [];
				let previous: Ring | null = null;
				for (const h of t.history) {
					if (h.ring === previous) continue;
					const moved = previous === null ? 0 : RINGS.indexOf(h.ring) < RINGS.indexOf(previous) ? 1 : -1;
					moves.push({ date: h.date, ringId: h.ring.toLowerCase(), moved, description: `Level ${h.level} in ${h.round}.` });
					previous = h.ring;
				}
				return {
					key: t.slug,
					id: t.slug,
					quadrant: quadrantIds[t.quadrant] ?? quadrantIds.at(-1)!,
					title: t.name,
					...(t.url ? { url: t.url } : {}),
					...(t.description ? { description: t.description } : {}),
					timeline: moves.reverse()
				};
			})
	};
}
