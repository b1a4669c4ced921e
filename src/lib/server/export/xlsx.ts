import { PassThrough } from 'node:stream';
import { JIRA_HEADER, jiraRow } from './backlog-jira';
import { neutralise } from './neutralise';
import { INITIATIVE_COLUMNS, initiativeRows, SCORE_COLUMNS, scoreRows, TECHNOLOGY_COLUMNS, technologyRows } from './report-files';
import { writeXlsx, type Cell, type Column } from './xlsx-writer';
import type { Score } from '../queries/report';
import type { RoundReport } from '../views/report';

/**
 * Text as typed, neutralised: headers carry vector names, which admins type, so they are neutralised like every other
 * cell. In place: every row here is made afresh for the file.
 */
function safe(row: Cell[]) {
	for (let i = 0; i < row.length; i++) if (typeof row[i] === 'string') row[i] = neutralise(row[i] as string);
	return row;
}

/** How a column's numbers read, by its header: a percentage, a date, or a level on its level's colour. */
const FORMATS: Record<string, Column['format']> = { Coverage: 'percent', 'Submitted at': 'datetime', Level: 'level', Score: 'level' };

/** Columns whose text repeats down a sheet: their values go to the shared strings, once each. */
const REPEATING = new Set([
	'Round',
	'Technology',
	'Vector',
	'Respondent',
	"Don't know",
	'Team',
	'Category',
	'Labels',
	'Priority',
	'Issue Type'
]);

const columns = (headers: string[], widths: number[], levels: string[] = []): Column[] =>
	headers.map((h, i) => ({
		header: neutralise(h),
		width: widths[i] ?? 14,
		format: levels.includes(h) ? 'level' : FORMATS[h],
		repeats: REPEATING.has(h)
	}));

/**
 * Streams the report workbook (Summary, Technologies, Initiatives, Scores, Backlog): rows are written as they
 * arrive, so a 300,000-answer round never sits in memory as one workbook. Levels, scores and vector medians sit on
 * their level's colour, as on the page; coverage reads as a percentage and submission times as dates. Every sheet has
 * a frozen header row with an autofilter.
 */
export function reportXlsx(report: RoundReport, scores: AsyncIterable<Score[]>): PassThrough {
	const out = new PassThrough();
	const s = report.summary;
	const summary: Cell[][] = [
		['Round', report.round.name],
		['Team', report.team ?? 'All teams'],
		['State', report.round.state],
		['Technologies rated / in scope', `${s.rated} / ${s.technologies}`],
		['Responses submitted / assigned', `${s.submitted} / ${s.assigned}`],
		['Average rating', s.average],
		['Previous average', s.previousAverage],
		...s.distribution.map((n, level) => [`Technologies at level ${level}`, n]),
		...s.weakest.map((w, i) => [`Weakest vector ${i + 1}`, `${w.name} (${w.average})`])
	];
	const at = SCORE_COLUMNS.indexOf('Submitted at');
	async function* scoreSheet() {
		// A response's fifteen answers share its submission time: each time is read once.
		const dates = new Map<string, Date>();
		for await (const batch of scores)
			yield scoreRows(report, batch).map((row) => {
				// A real date (a spreadsheet stores it as a number), not the ISO text the CSV carries.
				const cells: Cell[] = row;
				const iso = row[at];
				if (typeof iso === 'string') cells[at] = dates.get(iso) ?? dates.set(iso, new Date(iso)).get(iso)!;
				return safe(cells);
			});
	}
	const vectorNames = report.vectors.map((v) => v.name);
	void writeXlsx(out, { title: `Maturity report ${report.round.name}`, creator: 'Opsmaturity' }, [
		{ name: 'Summary', columns: columns(['Item', 'Value'], [36, 60]), rows: summary.map(safe) },
		{
			name: 'Technologies',
			columns: columns(TECHNOLOGY_COLUMNS(report), [28, 20, 18, 8, 7, 7, 9, 10, 9], vectorNames),
			rows: technologyRows(report).map(safe)
		},
		{ name: 'Initiatives', columns: columns(INITIATIVE_COLUMNS, [28, 60, 11, 11, 6, 12, 12, 40]), rows: initiativeRows(report).map(safe) },
		{ name: 'Scores', columns: columns(SCORE_COLUMNS, [12, 24, 28, 18, 7, 10, 50, 40, 22]), rows: scoreSheet() },
		{
			name: 'Backlog',
			columns: columns(JIRA_HEADER, [60, 80, 12, 12, 14, 22, 10, 10]),
			rows: report.technologies.flatMap((t) =>
				t.backlog.map((item) => safe(jiraRow({ ...item, technologyName: t.name, technologySlug: t.slug })))
			)
		}
	]).catch((e) => out.destroy(e));
	return out;
}
