import Papa from 'papaparse';
import { catalogRows, IMPORTED_KINDS, isCatalogYaml, skippedNotice } from '#lib/domain/backstage.ts';
import { readCatalogYaml } from '#lib/domain/catalog-yaml.ts';
import { missingColumns, planImport, type ImportLine, type ImportRow } from '#lib/domain/catalog.ts';
import { listTeams } from '../queries/teams';
import { technologiesForImport } from '../queries/technologies';

export const IMPORT_MAX_ROWS = 2000;
export const IMPORT_MAX_BYTES = 1_000_000;

/** `skipped` says what a Backstage file holds that is not imported, naming it. */
export type ImportPlan = { lines: ImportLine[]; skipped?: string; problem?: undefined } | { lines?: undefined; problem: string };

/**
 * Parses an uploaded catalog, a CSV or Backstage's catalog-info.yaml, and plans it against the
 * current catalog; writes nothing.
 */
export async function planTechnologyImport(csv: string): Promise<ImportPlan> {
	if (!csv.trim()) return { problem: 'Choose a file: the one chosen is empty, or none was chosen.' };
	if (csv.length > IMPORT_MAX_BYTES) return { problem: 'The file is larger than 1 MB; split it into smaller imports.' };
	if (isCatalogYaml(csv)) return planCatalogYaml(csv);
	const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), {
		header: true,
		skipEmptyLines: 'greedy',
		transformHeader: (h) => h.trim().toLowerCase()
	});
	const missing = missingColumns(parsed.meta.fields ?? []);
	if (missing.length)
		return {
			problem: `The header row needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. Expected: name, category, team, lifecycle, description, target.`
		};
	if (parsed.data.length === 0) return { problem: 'The file has a header but no rows.' };
	if (parsed.data.length > IMPORT_MAX_ROWS) return { problem: `At most ${IMPORT_MAX_ROWS} rows per import.` };
	const rows: ImportRow[] = parsed.data.map((r) => ({
		name: r.name ?? '',
		category: r.category ?? '',
		team: r.team ?? '',
		lifecycle: r.lifecycle ?? '',
		description: r.description ?? '',
		target: r.target ?? ''
	}));
	const [existing, teams] = await Promise.all([technologiesForImport(), listTeams()]);
	return { lines: planImport(rows, existing, teams) };
}

/** Backstage entities, one YAML document each; a document YAML cannot read stops the import, naming its line. */
async function planCatalogYaml(source: string): Promise<ImportPlan> {
	const yaml = readCatalogYaml(source.replace(/^\uFEFF/, ''), IMPORT_MAX_ROWS);
	if (!yaml.values) return { problem: yaml.problem };
	const [existing, teams] = await Promise.all([technologiesForImport(), listTeams()]);
	const reading = catalogRows(yaml.values, teams);
	if (reading.problems.length) return { problem: reading.problems.join(' ') };
	if (!reading.rows.length)
		return {
			problem: `The file has no ${IMPORTED_KINDS.join(', ')} entities${reading.skipped.length ? ` (only ${[...new Set(reading.skipped.map((s) => s.kind))].slice(0, 10).join(', ')})` : ''}.`
		};
	return { lines: planImport(reading.rows, existing, teams), skipped: skippedNotice(reading.skipped) };
}
