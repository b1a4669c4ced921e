import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { SharedStrings, writeXlsx, type Cell, type Column } from './xlsx-writer';

async function readBack(
	rows: Cell[][],
	columns: Column[] = [
		{ header: 'Text', width: 10 },
		{ header: 'Level', width: 5, format: 'level' }
	]
) {
	const out = new PassThrough();
	const chunks: Buffer[] = [];
	out.on('data', (c: Buffer) => chunks.push(c));
	await writeXlsx(out, { title: 'T & <t>', creator: 'test' }, [
		{
			name: "It's",
			columns,
			rows
		}
	]);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(Buffer.concat(chunks) as never);
	return wb;
}

describe('XLSX writer', () => {
	it('writes text XML cannot carry as U+FFFD, so the file still opens, and markup as text', async () => {
		const wb = await readBack([
			['a\u0001b\u001fc', 0],
			['lone \ud800 half', 5],
			['<f>1+1</f> & "q"', null]
		]);
		const ws = wb.getWorksheet("It's")!;
		expect(ws.getRow(2).getCell(1).value).toBe('a\uFFFDb\uFFFDc');
		expect(ws.getRow(3).getCell(1).value).toBe('lone \uFFFD half');
		expect(ws.getRow(4).getCell(1).value).toBe('<f>1+1</f> & "q"');
		expect(ws.getRow(4).getCell(2).value).toBeNull();
		expect(wb.title).toBe('T & <t>');
	});

	it('leaves a number outside the levels, or not finite, without a fill or a cell', async () => {
		const wb = await readBack([
			['a', 7],
			['b', Number.NaN]
		]);
		const ws = wb.getWorksheet("It's")!;
		expect(ws.getRow(2).getCell(2).value).toBe(7);
		expect((ws.getRow(2).getCell(2).fill as ExcelJS.FillPattern | undefined)?.fgColor).toBeUndefined();
		expect(ws.getRow(3).getCell(2).value).toBeNull();
	});

	it('writes a repeating column once per value, in the shared strings, and keeps edge whitespace in both kinds of text', async () => {
		const rows: Cell[][] = [
			['Kafka', ' lead space'],
			['Kafka', 'line\nbreak'],
			['  ', 'trail '],
			['<b> & "q"', null],
			['Kafka', 'plain']
		];
		const columns: Column[] = [
			{ header: 'Name', width: 10, repeats: true },
			{ header: 'Said', width: 10 }
		];
		const ws = (await readBack(rows, columns)).getWorksheet("It's")!;
		expect(rows.map((_, i) => [ws.getRow(i + 2).getCell(1).value, ws.getRow(i + 2).getCell(2).value])).toEqual(rows);
		expect(ws.getRow(1).getCell(1).value).toBe('Name');
	});

	it('stops adding to the shared strings at its bound, and the values past it go inline', () => {
		const shared = new SharedStrings();
		for (let i = 0; i < SharedStrings.MAX; i++) expect(shared.indexOf(`v${i}`)).toBe(i);
		expect(shared.indexOf('one more')).toBeUndefined();
		expect(shared.indexOf('v7')).toBe(7);
		const xml = [...shared.xml()].join('');
		expect(xml).toContain(`count="${SharedStrings.MAX + 1}" uniqueCount="${SharedStrings.MAX}"`);
		expect(xml).not.toContain('one more');
	});

	it('streams a sheet larger than one deflate chunk into a ZIP that reads back whole', async () => {
		const rows: Cell[][] = Array.from({ length: 20_000 }, (_, i) => [`row ${i} ${'x'.repeat(i % 50)}`, i % 6]);
		const ws = (await readBack(rows)).getWorksheet("It's")!;
		expect(ws.actualRowCount).toBe(20_001);
		expect(ws.getRow(20_001).getCell(1).value).toBe(`row 19999 ${'x'.repeat(19_999 % 50)}`);
	});

	it('stops, and closes its rows, when the download is closed midway', async () => {
		// Room for the workbook's small parts, not for the sheet: nobody reads, so the writer soon waits inside it.
		const out = new PassThrough({ highWaterMark: 64 * 1024 });
		let closed = false;
		let made = 0;
		async function* endless() {
			try {
				for (;;) yield [[`row ${++made} ${Math.random()}`]] as Cell[][];
			} finally {
				closed = true;
			}
		}
		const writing = writeXlsx(out, { title: 't', creator: 't' }, [{ name: 'S', columns: [{ header: 'A', width: 9 }], rows: endless() }]);
		// It stops asking for rows once the download's buffer is full.
		let before = -1;
		for (let waited = 0; waited < 50 && made !== before; waited++) {
			before = made;
			await new Promise((r) => setTimeout(r, 100));
		}
		expect(made).toBe(before);
		expect(made).toBeGreaterThan(0);
		// Then the client goes away.
		out.destroy();
		await expect(writing).rejects.toThrow(/closed/);
		expect(closed).toBe(true);
	});

	it('stops, and closes its rows, when the download is closed while the next rows are being read', async () => {
		const out = new PassThrough({ highWaterMark: 64 * 1024 });
		let closed = false;
		let reading = false;
		let release = () => {};
		const released = new Promise<void>((r) => (release = r));
		// As the database does: once the download is full, the next batch takes a while.
		async function* slow() {
			try {
				for (let i = 0; ; i++) {
					if (out.writableNeedDrain && !reading) {
						reading = true;
						await released;
					}
					yield [[`row ${i} ${Math.random()}`]] as Cell[][];
				}
			} finally {
				closed = true;
			}
		}
		const writing = writeXlsx(out, { title: 't', creator: 't' }, [{ name: 'S', columns: [{ header: 'A', width: 9 }], rows: slow() }]);
		for (let waited = 0; waited < 100 && !reading; waited++) await new Promise((r) => setTimeout(r, 20));
		expect(reading).toBe(true);
		out.destroy();
		await new Promise((r) => setTimeout(r, 50));
		release();
		await expect(writing).rejects.toThrow(/closed/);
		expect(closed).toBe(true);
	});
});
