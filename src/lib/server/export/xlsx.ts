import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { JIRA_HEADER, jiraRow } from './backlog-jira';
import { neutralise } from './neutralise';
import { INITIATIVE_COLUMNS, initiativeRows, SCORE_COLUMNS, scoreRows, TECHNOLOGY_COLUMNS, technologyRows } from './report-files';
import type { Score } from '../queries/report';
import type { RoundReport } from '../views/report';

const safe = (row: (string | number | Date | null)[]) => row.map((v) => (typeof v === 'string' ? neutralise(v) : v));

/** Number formats by column header: what a spreadsheet shows as a percentage or a date rather than a bare number. */
const FORMATS: Record<string, string> = { Coverage: '0%', 'Submitted at': 'yyyy-mm-dd hh:mm' };

/**
 * Streams the report workbook (Summary, Technologies, Initiatives, Scores, Backlog): rows are committed as
 * they are written, so a 300,000-answer round never sits in memory as one workbook. The only
 * styles are the number formats of two columns (coverage as a percentage, submission times as
 * dates): per-cell fills cost 2.5× the time at 300,000 rows, and the level is a number anyway.
 * Every sheet has a frozen header row with an autofilter.
 */
export function reportXlsx(report: RoundReport, scores: AsyncIterable<Score[]>): PassThrough {
	const out = new PassThrough();
	void writeWorkbook(out, report, scores).catch((e) => out.destroy(e));
	return out;
}

async function writeWorkbook(out: PassThrough, report: RoundReport, scores: AsyncIterable<Score[]>) {
	const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
	wb.creator = 'Opsmaturity';
	wb.title = `Maturity report ${report.round.name}`;

	const sheet = (name: string, header: string[], widths: number[]) => {
		const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
		// Headers carry vector names, which admins type: neutralised like every other cell.
		ws.columns = header.map((h, i) => ({
			header: neutralise(h),
			width: widths[i] ?? 14,
			...(FORMATS[h] ? { style: { numFmt: FORMATS[h] } } : {})
		}));
		ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: header.length } };
		return ws;
	};

	const s = report.summary;
	const summary = sheet('Summary', ['Item', 'Value'], [36, 60]);
	for (const row of [
		['Round', report.round.name],
		['Team', report.team ?? 'All teams'],
		['State', report.round.state],
		['Technologies rated / in scope', `${s.rated} / ${s.technologies}`],
		['Responses submitted / assigned', `${s.submitted} / ${s.assigned}`],
		['Average rating', s.average],
		['Previous average', s.previousAverage],
		...s.distribution.map((n, level) => [`Technologies at level ${level}`, n]),
		...s.weakest.map((w, i) => [`Weakest vector ${i + 1}`, `${w.name} (${w.average})`])
	] as (string | number | null)[][])
		summary.addRow(safe(row)).commit();
	summary.commit();

	const techs = sheet('Technologies', TECHNOLOGY_COLUMNS(report), [28, 20, 18, 8, 7, 7, 9, 10, 9]);
	for (const row of technologyRows(report)) techs.addRow(safe(row)).commit();
	techs.commit();

	const goals = sheet('Initiatives', INITIATIVE_COLUMNS, [28, 60, 11, 11, 6, 12, 12, 40]);
	for (const row of initiativeRows(report)) goals.addRow(safe(row)).commit();
	goals.commit();

	const scoresSheet = sheet('Scores', SCORE_COLUMNS, [12, 24, 28, 18, 7, 10, 50, 40, 22]);
	const at = SCORE_COLUMNS.indexOf('Submitted at');
	for await (const batch of scores)
		for (const row of scoreRows(report, batch)) {
			// A real date (Excel stores it as a number), not the ISO text the CSV carries.
			const cells: (string | number | Date | null)[] = row;
			if (typeof row[at] === 'string') cells[at] = new Date(row[at]);
			scoresSheet.addRow(safe(cells)).commit();
		}
	scoresSheet.commit();

	const backlog = sheet('Backlog', JIRA_HEADER, [60, 80, 12, 12, 14, 22, 10, 10]);
	for (const t of report.technologies)
		for (const item of t.backlog) backlog.addRow(safe(jiraRow({ ...item, technologyName: t.name, technologySlug: t.slug }))).commit();
	backlog.commit();

	await wb.commit();
}
