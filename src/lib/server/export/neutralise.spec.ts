import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';
import { neutralise, neutraliseForCsv } from './neutralise';
import { FORMULA_START, hostileText } from '../../../../tests/helpers/hostile-text';

describe('every exported cell is neutralised', () => {
	it('a neutralised cell never starts a formula, and only a quote is ever added', () => {
		fc.assert(
			fc.property(hostileText, (text) => {
				const out = neutralise(text);
				expect(FORMULA_START.test(out)).toBe(false);
				expect(out === text || out === `'${text}`).toBe(true);
			}),
			{ numRuns: 2000 }
		);
	});

	it('CSV read back by a CSV parser has no cell that starts a formula, multi-line cells included', () => {
		fc.assert(
			fc.property(fc.array(fc.array(hostileText, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
				const width = Math.max(...rows.map((r) => r.length));
				// A leading id column keeps every row non-empty (a blank line is no row to a parser).
				const square = rows.map((r, i) => [`r${i}`, ...r, ...Array(width - r.length).fill('x')]);
				const parsed = Papa.parse<string[]>(toCsv(square).replace(/^\uFEFF/, ''), { newline: '\r\n', delimiter: ',' }).data;
				expect(parsed).toHaveLength(square.length);
				parsed.forEach((row, i) =>
					row.forEach((cell, j) => {
						expect(FORMULA_START.test(cell)).toBe(false);
						expect(cell).toBe(neutraliseForCsv(square[i][j]));
					})
				);
			}),
			{ numRuns: 500 }
		);
	});

	it('read as a semicolon-separated file, as Excel does in many European locales, no cell starts a formula either', () => {
		fc.assert(
			fc.property(fc.array(hostileText, { minLength: 1, maxLength: 5 }), (cells) => {
				const csv = toCsv([['id', ...cells]]).replace(/^\uFEFF/, '');
				const parsed = Papa.parse<string[]>(csv, { newline: '\r\n', delimiter: ';' }).data;
				for (const row of parsed) for (const cell of row) expect(FORMULA_START.test(cell)).toBe(false);
			}),
			{ numRuns: 500 }
		);
	});
});
