import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { answer, appUser, response, round, roundTechnology, technology } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { seedDemoIfEmpty } from '../../src/lib/server/db/seed';
import { LEVEL_COLOURS, LEVEL_INK, SERIES_COLOURS } from '../../src/lib/chart-style';
import { computeResults } from '../../src/lib/server/queries/results';
import { SCORE_COLUMNS } from '../../src/lib/server/export/report-files';
import * as files from '../../src/routes/(app)/rounds/[id=id]/report/[file]/+server';
import * as reportPage from '../../src/routes/(app)/rounds/[id=id]/report/+page.server';
import { roundReport } from '../../src/lib/server/views/report';
import { useTestDatabase } from '../helpers/db';
import { hasPoppler, pdfFile, pixelsInColours } from '../helpers/poppler';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createUserRow } from '../helpers/factories';

useTestDatabase();
let admin: SessionUser, lead: SessionUser, viewer: SessionUser;
let roundId: number;
const EVIL = ['=HYPERLINK("http://evil.example","x")', '+cmd|calc', '@SUM(A1)', '-2+3'];

beforeAll(async () => {
	await seedDemoIfEmpty();
	admin = await createUserRow('admin');
	lead = await createUserRow('lead');
	viewer = await createUserRow('viewer');
	[{ id: roundId }] = await db().select({ id: round.id }).from(round).where(eq(round.state, 'open'));
	// A name outside Latin-1 must survive the embedded font.
	await db().update(technology).set({ name: 'Grafana Loki — Ünicode' }).where(eq(technology.slug, 'redis'));
	// Hostile comments in four submitted answers of Kafka.
	const [kafka] = await db().select().from(technology).where(eq(technology.slug, 'kafka'));
	const [resp] = await db()
		.select()
		.from(response)
		.where(and(eq(response.roundId, roundId), eq(response.technologyId, kafka.id), eq(response.state, 'submitted')))
		.limit(1);
	for (const [i, key] of ['supportability', 'operability', 'stability', 'documentation'].entries())
		await db()
			.update(answer)
			.set({ comment: EVIL[i] })
			.where(and(eq(answer.responseId, resp.id), eq(answer.vectorKey, key)));
});

const get = (file: string, user: SessionUser) =>
	files.GET(fakeEvent({ user, params: { id: String(roundId), file }, url: `/rounds/${roundId}/report/${file}` }));
const bytes = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('permissions', () => {
	it('viewers may take the PDF but no data file', async () => {
		expect((await get('report.pdf', viewer)).status).toBe(200);
		for (const file of ['report.xlsx', 'scores.csv', 'backlog.csv', 'report.json'])
			await expect(get(file, viewer)).rejects.toMatchObject({ status: 403 });
	});
});

describe('PDF', () => {
	it('is a complete PDF document', async () => {
		const pdf = await bytes(await get('report.pdf', viewer));
		expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
		expect(pdf.subarray(-6).toString()).toContain('%%EOF');
		// Radars are lines, not pictures: a demo round's report stays small.
		expect(pdf.length).toBeGreaterThan(20_000);
		expect(pdf.length).toBeLessThan(400_000);
		expect(pdf.includes('/DCTDecode')).toBe(false);
	});

	it.runIf(hasPoppler)("draws each rated technology's radar: the round's series in its colour, on that page", async () => {
		const file = pdfFile(await bytes(await get('report.pdf', viewer)));
		const pageText = (n: number) => execFileSync('pdftotext', ['-f', String(n), '-l', String(n), file, '-']).toString();
		const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [file]).toString())![1]);
		const withRadar = Array.from({ length: pages }, (_, i) => i + 1).find((n) => pageText(n).includes('Median'))!;
		const seriesPixels = (n: number) => pixelsInColours(file, { first: n, last: n }, 100, [SERIES_COLOURS[0]]);
		// Its outline, points and legend swatch: hundreds of pixels; the reading guide on page 2 has no radar.
		expect(seriesPixels(withRadar)).toBeGreaterThan(250);
		expect(seriesPixels(2)).toBeLessThan(50);
	});

	it.runIf(hasPoppler)('renders non-blank pages whose text holds every technology and its rating', async () => {
		const file = pdfFile(await bytes(await get('report.pdf', viewer)));
		const text = execFileSync('pdftotext', ['-layout', file, '-']).toString();
		const results = await computeResults({ roundId });
		const techs = await db().select().from(technology);
		for (const r of results) {
			const t = techs.find((x) => x.id === r.technologyId)!;
			expect(text).toContain(t.name);
			expect(text).toContain(`Rating ${r.rating!.rating.toFixed(1)}`);
		}
		expect(text).toContain('Grafana Loki — Ünicode');
		expect(execFileSync('pdfinfo', [file]).toString()).toMatch(/Title:\s+Maturity report/);
		execFileSync('pdftoppm', ['-r', '20', '-png', '-f', '1', '-l', '4', file, path.join(path.dirname(file), 'page')]);
		const pages = readdirSync(path.dirname(file)).filter((f) => f.startsWith('page'));
		expect(pages).toHaveLength(4);
		// A blank page compresses to almost nothing; drawn pages do not.
		for (const p of pages) expect(readFileSync(path.join(path.dirname(file), p)).length).toBeGreaterThan(2000);
	});

	it.runIf(hasPoppler)('opens with a page on how to read it, and the contents still point at each technology’s page', async () => {
		const file = pdfFile(await bytes(await get('report.pdf', viewer)));
		const page = (n: number) => execFileSync('pdftotext', ['-layout', '-f', String(n), '-l', String(n), file, '-']).toString();
		const guide = page(2);
		expect(guide).toContain('How to read this report');
		for (const part of ['The scale', 'How a rating is made', 'Critical vectors', '"calibrated"', 'Coverage']) expect(guide).toContain(part);
		// The cover says what each level count is, not "0 now".
		expect(page(1)).not.toMatch(/\d now/);
		const contents = page(3);
		const [, name, target] = /^\s*(\S[^·\n]*?)\s+·.*page (\d+)\s*$/m.exec(contents)!;
		expect(page(Number(target))).toContain(name);
	});

	it.runIf(hasPoppler)('quotes comments per vector: names for leads and admins, neither name nor score for anyone else', async () => {
		const text = async (user: SessionUser) => {
			return execFileSync('pdftotext', [pdfFile(await bytes(await get('report.pdf', user))), '-']).toString();
		};
		const [kafka] = await db().select().from(technology).where(eq(technology.slug, 'kafka'));
		const [commenter] = await db()
			.select({ name: appUser.name })
			.from(response)
			.innerJoin(appUser, eq(appUser.id, response.userId))
			.where(and(eq(response.roundId, roundId), eq(response.technologyId, kafka.id), eq(response.state, 'submitted')))
			.orderBy(response.id)
			.limit(1);
		// The hostile comment is quoted as written: a PDF runs no formulas.
		const quoted = '“=HYPERLINK("http://evil.example","x")”';
		const asLead = await text(lead);
		expect(asLead).toContain('Comments and evidence');
		expect(asLead).toContain(`${commenter.name} (`);
		expect(await text(admin)).toContain(`${commenter.name} (`);
		// A viewer reads what was said, but neither who said it nor the score beside it.
		const asViewer = await text(viewer);
		expect(asViewer).toContain(`• ${quoted}`);
		expect(asViewer).not.toContain(commenter.name);
		expect(asViewer).not.toMatch(/\(\d\): “/);
	});
});

describe('XLSX', () => {
	it('has the five sheets, numbers as numbers equal to the database, and neutralised text', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await bytes(await get('report.xlsx', lead))) as never);
		expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Technologies', 'Initiatives', 'Scores', 'Backlog']);
		const techSheet = wb.getWorksheet('Technologies')!;
		expect(techSheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		expect(techSheet.getColumn(1).width).toBe(28);
		// Every sheet: a frozen header row with an autofilter over its columns.
		for (const ws of wb.worksheets) expect(String(ws.autoFilter)).toMatch(/^A1:[A-Z]+1$/);
		const coverage = techSheet.getRow(2).getCell(7);
		expect(techSheet.getRow(1).getCell(7).value).toBe('Coverage');
		expect(coverage.numFmt).toBe('0%');
		expect(typeof coverage.value === 'number' && coverage.value > 0 && coverage.value <= 1).toBe(true);
		const submittedAt = wb.getWorksheet('Scores')!.getRow(2).getCell(9);
		expect(submittedAt.value).toBeInstanceOf(Date);
		expect(submittedAt.numFmt).toBe('yyyy-mm-dd hh:mm');
		const results = await computeResults({ roundId });
		const techs = await db().select().from(technology);
		for (const r of results) {
			const name = techs.find((t) => t.id === r.technologyId)!.name;
			const row = techSheet.getRows(2, techSheet.rowCount - 1)!.find((x) => x.getCell(1).value === name)!;
			expect(row.getCell(4).value).toBe(r.rating!.rating);
			expect(row.getCell(5).value).toBe(r.rating!.level);
		}
		const scores = wb.getWorksheet('Scores')!;
		const comments = scores.getColumn(7).values.filter((v): v is string => typeof v === 'string');
		for (const evil of EVIL) expect(comments).toContain(`'${evil}`);
		expect(comments.every((c) => !/^[=+\-@\t\r]/.test(c))).toBe(true);
		// Leads see who answered what, as on screen.
		expect(scores.getColumn(4).values).toContain('Dana Kowalski');
		// Levels, scores and vector medians on their level's colour, dark ones in white, as on the page.
		const fillOf = (cell: ExcelJS.Cell) => (cell.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb;
		const scored = scores.getRows(2, scores.rowCount - 1)!.filter((r) => typeof r.getCell(5).value === 'number');
		expect(new Set(scored.map((r) => r.getCell(5).value)).size).toBeGreaterThan(2);
		for (const r of scored) {
			const level = r.getCell(5).value as number;
			expect(fillOf(r.getCell(5))).toBe(`FF${LEVEL_COLOURS[level].slice(1).toUpperCase()}`);
			expect(r.getCell(5).font?.color?.argb ?? 'FF000000').toBe(LEVEL_INK[level] === '#ffffff' ? 'FFFFFFFF' : 'FF000000');
		}
		const medianCell = techSheet.getRow(2).getCell(10);
		expect(fillOf(medianCell)).toBe(`FF${LEVEL_COLOURS[Math.floor(medianCell.value as number)].slice(1).toUpperCase()}`);
		expect(fillOf(techSheet.getRow(2).getCell(1))).toBeUndefined();
	});
});

/** LibreOffice Calc, a reader other than the one this file reads with: .ci/run installs it (libreoffice-calc-nogui). */
const hasCalc = (() => {
	try {
		execFileSync('soffice', ['--version'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

describe.runIf(hasCalc)('XLSX in LibreOffice Calc', () => {
	it('opens every sheet with every row, and reads the scores, dates and neutralised comments as written', { timeout: 60_000 }, async () => {
		const xlsx = await bytes(await get('report.xlsx', lead));
		const dir = mkdtempSync(path.join(tmpdir(), 'opsm-calc-'));
		try {
			writeFileSync(path.join(dir, 'report.xlsx'), xlsx);
			// Every sheet to its own CSV (the last option, -1), UTF-8 (76), comma and double quote (44, 34).
			execFileSync(
				'soffice',
				[
					'--headless',
					`-env:UserInstallation=file://${dir}/profile`,
					'--convert-to',
					'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
					'--outdir',
					dir,
					path.join(dir, 'report.xlsx')
				],
				{ stdio: 'ignore', timeout: 50_000 }
			);
			const sheet = (name: string) =>
				Papa.parse<string[]>(readFileSync(path.join(dir, `report-${name}.csv`), 'utf8'), { skipEmptyLines: true }).data;
			const wb = new ExcelJS.Workbook();
			await wb.xlsx.load(xlsx as never);
			for (const ws of wb.worksheets) expect(sheet(ws.name).length, ws.name).toBe(ws.actualRowCount);
			const scores = sheet('Scores');
			expect(scores[0]).toEqual(SCORE_COLUMNS);
			const written = wb.getWorksheet('Scores')!;
			scores.slice(1).forEach((row, i) => {
				const cell = written.getRow(i + 2).getCell(5).value;
				expect(row[4]).toBe(cell === null ? '' : String(cell));
			});
			expect(scores[1][8]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
			// The names (technology, vector, respondent) come from the shared strings: Calc reads each as ExcelJS does.
			const names = (r: number) => [2, 3, 4].map((c) => String(written.getRow(r).getCell(c).value ?? ''));
			scores.slice(1).forEach((row, i) => expect(row.slice(1, 4)).toEqual(names(i + 2)));
			const comments = scores.map((r) => r[6]);
			for (const evil of EVIL) expect(comments).toContain(`'${evil}`);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

describe('CSV and JSON', () => {
	it('scores parse back to one row per submitted answer, formulas neutralised, with respondent names for leads', async () => {
		const submitted = await db()
			.select({ id: answer.responseId })
			.from(answer)
			.innerJoin(response, eq(response.id, answer.responseId))
			.where(and(eq(response.roundId, roundId), eq(response.state, 'submitted')));
		const asAdmin = Papa.parse<string[]>(new TextDecoder().decode(await bytes(await get('scores.csv', admin))), {
			skipEmptyLines: true
		}).data;
		expect(asAdmin.length - 1).toBe(submitted.length);
		const comments = asAdmin.map((r) => r[6]);
		for (const evil of EVIL) expect(comments).toContain(`'${evil}`);
		expect(asAdmin.slice(1).some((r) => r[3] === 'Dana Kowalski')).toBe(true);
		const asLead = Papa.parse<string[]>(new TextDecoder().decode(await bytes(await get('scores.csv', lead))), {
			skipEmptyLines: true
		}).data;
		expect(asLead.slice(1).map((r) => r[3])).toEqual(asAdmin.slice(1).map((r) => r[3]));
	});

	it('JSON carries the versioned whole round', async () => {
		const body = await (await get('report.json', lead)).json();
		expect(body.schema).toMatch(/round-report\/v1$/);
		expect(body.technologies).toHaveLength(12);
		expect(body.framework.vectors).toHaveLength(15);
		expect(body.responses.length).toBeGreaterThan(100);
	});
});

// Last: it adds hundreds of technologies to the round the tests above read.
describe('the print view', () => {
	const load = (user: SessionUser, query: string) =>
		run(reportPage.load, fakeEvent({ user, params: { id: String(roundId) }, url: `/rounds/${roundId}/report${query}` })).then(
			dataOf
		) as Promise<{
			report: { technologies: unknown[]; summary: unknown };
			page: number;
			comments: { respondent: string; comment: string }[];
			printing: boolean;
			printable: boolean;
			total: number;
		}>;

	it('holds every technology with the comments the PDF quotes, names for leads only', async () => {
		const paged = await load(viewer, '');
		expect(paged.report.technologies).toHaveLength(10);
		expect(paged.comments).toEqual([]);
		const printed = await load(viewer, '?print');
		expect(printed).toMatchObject({ printing: true, total: 12 });
		expect(printed.report.technologies).toHaveLength(12);
		expect(printed.comments.map((c) => c.comment)).toEqual(expect.arrayContaining(EVIL));
		expect(printed.comments.every((c) => c.respondent === '')).toBe(true);
		expect((await load(lead, '?print')).comments.some((c) => c.respondent !== '')).toBe(true);
	});

	it('reads in full only the sections of the page shown, with the same sections and summary as the whole round', async () => {
		const whole = (await roundReport(roundId, { seesNames: false }))!;
		const second = await load(viewer, '?page=2');
		expect(second).toMatchObject({ page: 2, pages: 2, first: 10, total: 12 });
		expect(second.report.technologies).toEqual(whole.technologies.slice(10));
		expect(second.report.summary).toEqual(whole.summary);
		expect(whole.summary.topBacklog.length).toBe(10);
		// Sections carry their open backlog: a page that read none would pass the summary alone.
		expect(whole.technologies.slice(10).some((t) => t.backlog.length > 0)).toBe(true);
		expect((await load(viewer, '?page=99')).report.technologies).toEqual(whole.technologies.slice(10));
	});

	it('points a round of more than 300 technologies to the PDF instead of one page with every chart', async () => {
		const added = await db()
			.insert(technology)
			.values(Array.from({ length: 300 }, (_, i) => ({ slug: `bulk-${i}`, name: `Bulk ${i}`, category: 'tool' })))
			.returning({ id: technology.id });
		await db()
			.insert(roundTechnology)
			.values(added.map((t) => ({ roundId, technologyId: t.id })));
		const printed = await load(viewer, '?print');
		expect(printed).toMatchObject({ printing: false, printable: false, total: 312 });
		expect(printed.report.technologies).toHaveLength(10);
	});
});
