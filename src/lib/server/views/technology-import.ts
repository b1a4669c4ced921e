import Papa from 'papaparse';
import { missingColumns, planImport, type ImportLine, type ImportRow } from '$lib/domain/catalog';
import { listTeams } from '../queries/teams';
import { technologiesForImport } from '../queries/technologies';

export const IMPORT_MAX_ROWS = 2000;
export const IMPORT_MAX_BYTES = 1_000_000;

export type ImportPlan = { lines: ImportLine[]; problem?: undefined } | { lines?: undefined; problem: string };

/** Parses an uploaded catalog CSV and plans it against the current catalog; writes nothing. */
export async function planTechnologyImport(csv: string): Promise<ImportPlan> {
	if (!csv.trim()) return { problem: 'Choose a CSV file: the one chosen is empty, or none was chosen.' };
	if (csv.length > IMPORT_MAX_BYTES) return { problem: 'The file is larger than 1 MB; split it into smaller imports.' };
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
