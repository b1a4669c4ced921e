import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateVector } from '#lib/domain/aggregate.ts';
import type { Score } from '../queries/report';
import type { RoundReport } from '../views/report';
import { JIRA_HEADER, jiraRow } from './backlog-jira';
import { neutralise } from './neutralise';
import { INITIATIVE_COLUMNS, initiativeRows, SCORE_COLUMNS, scoreRows, TECHNOLOGY_COLUMNS, technologyRows } from './report-files';
import { reportXlsx } from './xlsx';
import { FORMULA_START, hostileItem, hostileText } from '../../../../tests/helpers/hostile-text';

const level = fc.integer({ min: 0, max: 5 });
const VECTOR_KEYS = ['v0', 'v1', 'v2'];

// Every text a person can type is hostile: round, team, technology, category and vector names,
// respondents, comments, evidence links, backlog titles and actions.
const generated = fc.record({
	roundName: hostileText,
	team: fc.option(hostileText),
	vectorNames: fc.tuple(hostileText, hostileText, hostileText),
	weakest: fc.array(fc.record({ name: hostileText, average: fc.double({ min: 0, max: 5, noNaN: true }) }), { maxLength: 2 }),
	technologies: fc.array(
		fc.record({
			name: hostileText,
			slug: hostileText,
			category: hostileText,
			teamName: fc.option(hostileText),
			targetLevel: level,
			rated: fc.boolean(),
			backlog: fc.array(hostileItem, { maxLength: 2 })
		}),
		{ minLength: 1, maxLength: 3 }
	),
	initiatives: fc.array(
		fc.record({
			name: hostileText,
			goal: hostileText,
			status: fc.constantFrom('met', 'open', 'overdue'),
			notMet: fc.array(hostileText, { maxLength: 2 })
		}),
		{ maxLength: 2 }
	),
	scores: fc.array(
		fc.record({
			technology: hostileText,
			slug: hostileText,
			// A key the framework no longer has is written as the key itself.
			vector: fc.oneof(fc.constantFrom(...VECTOR_KEYS), hostileText),
			respondent: hostileText,
			score: fc.option(level),
			dontKnow: fc.boolean(),
			comment: hostileText,
			evidence: hostileText,
			submittedAt: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString())
		}),
		{ maxLength: 8 }
	)
});

type Generated = typeof generated extends fc.Arbitrary<infer T> ? T : never;

/** The parts of a report the workbook reads; the rest of `RoundReport` plays no part here. */
function reportOf(g: Generated): RoundReport {
	const technologies = g.technologies.map((t, i) => ({
		...t,
		id: i + 1,
		previous: null,
		result: t.rated
			? {
					roundId: 1,
					technologyId: i + 1,
					rating: { rating: 2.5, level: 2, coverage: 0.67, vectorsWithData: 2, vectors: 3 },
					assigned: 3,
					submitted: 2,
					vectors: { v0: aggregateVector([2, 3]), v2: aggregateVector([2, 3]) }
				}
			: null
	}));
	return {
		round: { id: 1, name: g.roundName, state: 'closed', frameworkVersion: 1 },
		previous: null,
		team: g.team,
		vectors: VECTOR_KEYS.map((key, i) => ({ key, name: g.vectorNames[i], lane: 'plan' })),
		levels: [],
		technologies,
		initiatives: g.initiatives.map((x, i) => ({
			id: i + 1,
			name: x.name,
			goal: x.goal,
			dueOn: '2027-06-30',
			progress: { total: 3, met: 1, unmeasured: 1, status: x.status },
			notMet: x.notMet
		})),
		summary: {
			technologies: technologies.length,
			rated: technologies.filter((t) => t.result).length,
			assigned: 3,
			submitted: 2,
			distribution: [0, 0, 1, 0, 0, 0],
			previousDistribution: [0, 0, 0, 0, 0, 0],
			average: 2.5,
			previousAverage: null,
			weakest: g.weakest,
			movers: { up: [], down: [] },
			topBacklog: []
		}
	} as unknown as RoundReport;
}

async function workbookOf(report: RoundReport, scores: Score[]) {
	async function* batches() {
		yield scores;
	}
	const chunks: Buffer[] = [];
	for await (const chunk of reportXlsx(report, batches())) chunks.push(chunk as Buffer);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(Buffer.concat(chunks) as never);
	return wb;
}

/**
 * A cell as the writer meant it: text neutralised, empty text and null both an empty cell. XML
 * reads every line end as LF (a CR survives only as `&#13;`, which the writer does not emit), so
 * a CR inside a cell comes back as LF; neutralising happens before, on the text as typed.
 */
const expected = (v: string | number | Date | null) => (typeof v === 'string' ? neutralise(v).replace(/\r\n?/g, '\n') || null : v);
const actual = (v: ExcelJS.CellValue) => (v === undefined || v === '' ? null : v);

/** The sheet holds exactly these rows (header first), cell by cell. */
function expectRows(ws: ExcelJS.Worksheet, rows: (string | number | Date | null)[][]) {
	expect(ws.rowCount).toBe(rows.length);
	rows.forEach((row, i) => row.forEach((cell, j) => expect(actual(ws.getRow(i + 1).getCell(j + 1).value)).toEqual(expected(cell))));
}

describe('XLSX report', () => {
	it('read back, no cell is a formula and every text cell is the neutralised text', async () => {
		await fc.assert(
			fc.asyncProperty(generated, async (g) => {
				const report = reportOf(g);
				const scores: Score[] = g.scores;
				const wb = await workbookOf(report, scores);

				for (const ws of wb.worksheets)
					ws.eachRow((row) =>
						row.eachCell((cell) => {
							expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
							expect(cell.formula).toBeUndefined();
							if (typeof cell.value === 'string') expect(FORMULA_START.test(cell.value)).toBe(false);
						})
					);

				const summary = wb.getWorksheet('Summary')!;
				const item = (name: string) =>
					actual(
						summary
							.getRows(2, summary.rowCount - 1)!
							.find((r) => r.getCell(1).value === name)!
							.getCell(2).value
					);
				expect(item('Round')).toBe(expected(g.roundName));
				expect(item('Team')).toBe(expected(g.team ?? 'All teams'));
				g.weakest.forEach((w, i) => expect(item(`Weakest vector ${i + 1}`)).toBe(expected(`${w.name} (${w.average})`)));

				expectRows(wb.getWorksheet('Technologies')!, [TECHNOLOGY_COLUMNS(report), ...technologyRows(report)]);
				expectRows(wb.getWorksheet('Initiatives')!, [INITIATIVE_COLUMNS, ...initiativeRows(report)]);
				const at = SCORE_COLUMNS.indexOf('Submitted at');
				expectRows(wb.getWorksheet('Scores')!, [
					SCORE_COLUMNS,
					...scoreRows(report, scores).map((row) => row.map((cell, j) => (j === at ? new Date(cell as string) : cell)))
				]);
				expectRows(wb.getWorksheet('Backlog')!, [
					JIRA_HEADER,
					...report.technologies.flatMap((t) => t.backlog.map((b) => jiraRow({ ...b, technologyName: t.name, technologySlug: t.slug })))
				]);
			}),
			{ numRuns: 60 }
		);
	}, 30_000);
});
