import Papa from 'papaparse';
import { parseAllDocuments } from 'yaml';
import { catalogRows, IMPORTED_KINDS, isCatalogYaml, yamlShapeProblem } from '$lib/domain/backstage';
import { missingColumns, planImport, type ImportLine, type ImportRow } from '$lib/domain/catalog';
import { listTeams } from '../queries/teams';
import { technologiesForImport } from '../queries/technologies';

export const IMPORT_MAX_ROWS = 2000;
export const IMPORT_MAX_BYTES = 1_000_000;

export type ImportPlan = { lines: ImportLine[]; problem?: undefined } | { lines?: undefined; problem: string };

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

/** Line numbers of offsets, from one scan of the line starts. */
function lineFinder(source: string) {
	const starts = [0];
	for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
	return (offset: number) => {
		let [lo, hi] = [0, starts.length - 1];
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (starts[mid] <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo + 1;
	};
}

/** Backstage entities, one YAML document each; a document YAML cannot read stops the import, naming its line. */
async function planCatalogYaml(source: string): Promise<ImportPlan> {
	const shape = yamlShapeProblem(source, IMPORT_MAX_ROWS);
	if (shape) return { problem: shape };
	const lineAt = lineFinder(source);
	const documents = parseAllDocuments(source.replace(/^\uFEFF/, ''), { prettyErrors: false });
	if (!Array.isArray(documents)) return { problem: 'The file holds no YAML documents.' };
	if (documents.length > IMPORT_MAX_ROWS) return { problem: `At most ${IMPORT_MAX_ROWS} entities per import.` };
	const broken = documents.find((d) => d.errors.length);
	if (broken) {
		const error = broken.errors[0];
		return { problem: `The YAML cannot be read at line ${lineAt(error.pos[0])}: ${error.message.split('\n')[0]}` };
	}
	let values;
	try {
		values = documents.map((d) => ({ line: lineAt(d.range[0]), value: d.toJS({ maxAliasCount: 50 }) }));
	} catch (error) {
		return { problem: `The YAML cannot be read: ${error instanceof Error ? error.message : String(error)}` };
	}
	const [existing, teams] = await Promise.all([technologiesForImport(), listTeams()]);
	const reading = catalogRows(values, teams);
	if (reading.problems.length) return { problem: reading.problems.join(' ') };
	if (!reading.rows.length)
		return {
			problem: `The file has no ${IMPORTED_KINDS.join(', ')} entities${reading.skipped.length ? ` (only ${[...new Set(reading.skipped.map((s) => s.kind))].join(', ')})` : ''}.`
		};
	return { lines: planImport(reading.rows, existing, teams) };
}
