/** Technology catalog rules: slugs, lifecycles, and planning a CSV import. */
import { hasControlCharacters, isWellFormedText, NOT_TEXT } from './text';

export const LIFECYCLES = ['evaluating', 'production', 'deprecated', 'retired'] as const;
export type Lifecycle = (typeof LIFECYCLES)[number];

export const DEFAULT_TARGET_LEVEL = 3;

/** Could this be a technology's slug? Anything else in an address (a NUL byte, say) names nothing. */
export const isSlug = (text: string) => /^[a-z0-9-]{1,80}$/.test(text);

/** "Grafana Loki — Ünicode" → "grafana-loki-unicode": lower-case, ASCII, hyphens. */
export function slugify(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 60)
		.replace(/-+$/, '');
}

export type ImportRow = {
	name: string;
	category: string;
	team: string;
	lifecycle: string;
	description: string;
	target: string;
	/** Where the row starts in its file (a CSV row by default: its index after the header). */
	line?: number;
	/** The slug, when the source names one apart from the display name (a Backstage entity's name). */
	slug?: string;
	/** Links, when the source has them; none keeps the stored ones. */
	links?: TechnologyLinks;
};

export type TechnologyLinks = { docs?: string; runbook?: string; repo?: string };

/** Equal as stored: objects compare by their entries, whatever their key order (jsonb keeps its own). */
export const sameValue = (a: unknown, b: unknown) => canonical(a) === canonical(b);
const canonical = (v: unknown) =>
	JSON.stringify(
		v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v).sort(([x], [y]) => x.localeCompare(y)) : (v ?? null)
	);

export type PlannedTechnology = {
	slug: string;
	name: string;
	category: string;
	teamId: number | null;
	lifecycle: Lifecycle;
	description: string;
	targetLevel: number;
	links?: TechnologyLinks;
};

export type ImportLine =
	| { line: number; action: 'create' | 'update' | 'unchanged'; technology: PlannedTechnology }
	| { line: number; action: 'error'; name: string; errors: string[] };

type Existing = Omit<PlannedTechnology, 'links'> & { links?: TechnologyLinks | null };

const HEADER = ['name', 'category', 'team', 'lifecycle', 'description', 'target'] as const;

export function missingColumns(header: string[]): string[] {
	const have = new Set(header.map((h) => h.trim().toLowerCase()));
	return HEADER.filter((h) => h !== 'description' && h !== 'lifecycle' && h !== 'target' && !have.has(h));
}

/**
 * Decides, row by row, what an import would do: create by slug, update what differs, or
 * report every problem of a row. Nothing is written here; the caller writes all or nothing.
 */
export function planImport(rows: ImportRow[], existing: Existing[], teams: { id: number; name: string }[]): ImportLine[] {
	const bySlug = new Map(existing.map((t) => [t.slug, t]));
	const teamByName = new Map(teams.map((t) => [t.name.trim().toLowerCase(), t.id]));
	const seen = new Map<string, number>();
	return rows.map((row, i) => {
		const line = row.line ?? i + 2; // the header is line 1
		const errors: string[] = [];
		const name = (row.name ?? '').trim();
		const slug = slugify(row.slug ?? name);
		if (!name) errors.push('Name is required.');
		else if (name.length > 100) errors.push('Name must be at most 100 characters.');
		else if (hasControlCharacters(name)) errors.push('Name cannot contain control characters such as tabs or line breaks.');
		else if (!isWellFormedText(name)) errors.push(`Name ${NOT_TEXT}.`);
		else if (!slug) errors.push('Name needs at least one letter or digit.');
		if (slug && seen.has(slug)) errors.push(`Same technology as line ${seen.get(slug)}.`);
		if (slug) seen.set(slug, line);
		const category = (row.category ?? '').trim().toLowerCase();
		if (!category) errors.push('Category is required.');
		else if (category.length > 50) errors.push('Category must be at most 50 characters.');
		else if (hasControlCharacters(category)) errors.push('Category cannot contain control characters such as tabs or line breaks.');
		else if (!isWellFormedText(category)) errors.push(`Category ${NOT_TEXT}.`);
		const teamName = (row.team ?? '').trim();
		const teamId = teamName ? teamByName.get(teamName.toLowerCase()) : null;
		if (teamName && teamId === undefined) errors.push(`No team is called "${teamName}".`);
		const lifecycle = ((row.lifecycle ?? '').trim().toLowerCase() || 'production') as Lifecycle;
		if (!LIFECYCLES.includes(lifecycle)) errors.push(`Lifecycle must be one of ${LIFECYCLES.join(', ')}.`);
		const targetRaw = (row.target ?? '').trim();
		const targetLevel = targetRaw === '' ? DEFAULT_TARGET_LEVEL : Number(targetRaw);
		if (!Number.isInteger(targetLevel) || targetLevel < 0 || targetLevel > 5) errors.push('Target must be a whole number from 0 to 5.');
		const description = (row.description ?? '').trim();
		if (description.length > 2000) errors.push('Description must be at most 2,000 characters.');
		else if (hasControlCharacters(description, { multiline: true }))
			errors.push('Description cannot contain control characters other than line breaks and tabs.');
		else if (!isWellFormedText(description)) errors.push(`Description ${NOT_TEXT}.`);
		if (errors.length) return { line, action: 'error', name: name || `(line ${line})`, errors };

		const before = bySlug.get(slug);
		// A row without links (every CSV row) keeps the stored ones.
		const links = row.links ?? before?.links ?? {};
		const technology: PlannedTechnology = { slug, name, category, teamId: teamId ?? null, lifecycle, description, targetLevel, links };
		if (!before) return { line, action: 'create', technology };
		const stored = { ...before, links: before.links ?? {} };
		const same = (Object.keys(technology) as (keyof PlannedTechnology)[]).every((k) => sameValue(stored[k], technology[k]));
		return { line, action: same ? 'unchanged' : 'update', technology };
	});
}
