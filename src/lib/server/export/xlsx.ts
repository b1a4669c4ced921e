import { PassThrough } from 'node:stream';
import { JIRA_HEADER, jiraRow } from './backlog-jira';
import { neutralise } from './neutralise';
import { INITIATIVE_COLUMNS, initiativeRows, SCORE_COLUMNS, scoreRows, TECHNOLOGY_COLUMNS, technologyRows } from './report-files';
import { writeXlsx, type Cell, type Column } from './xlsx-writer';
import type { Score } from '../queries/report';
import type { RoundReport } from '../views/report';

/** Text as typed, neutralised: headers carry vector names, which admins type, so they are neutralised like every other cell. */
const safe = (row: Cell[]) => row.map((v) => (typeof v === 'string' ? neutralise(v) : v));

/** How a column's numbers read, by its header: a percentage, a date, or a level on its level's colour. */
const FORMATS: Record<string, Column['format']> = { Coverage: 'percent', 'Submitted at': 'datetime', Level: 'level', Score: 'level' };

const columns = (headers: string[], widths: number[], levels: string[] = []): Column[] =>
	headers.map((h, i) => ({ header: neutralise(h), width: widths[i] ?? 14, format: levels.includes(h) ? 'level' : FORMATS[h] }));

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
		for await (const batch of scores)
			for (const row of scoreRows(report, batch)) {
				// A real date (a spreadsheet stores it as a number), not the ISO text the CSV carries.
				const cells: Cell[] = row;
				if (typeof row[at] === 'string') cells[at] = new Date(row[at]);
				yield safe(cells);
			}
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
