import Papa from 'papaparse';
import { neutraliseForCsv } from './neutralise';

/**
 * CSV that Excel opens with accents intact (UTF-8 BOM) and that cannot run formulas: any cell
 * starting with = + - @ tab or carriage return is prefixed with a quote. Our own neutraliser, not
 * papaparse's escapeFormulae, which misses such a cell when it also holds a line break. Excel in
 * a locale whose separator is ";" splits `x;=cmd()` into two cells, the second a live formula, so
 * a formula character after a separator inside a cell is neutralised too, and text cells are quoted.
 */
export function toCsv(rows: (string | number | null)[][], options: { bom?: boolean } = {}): string {
	const safe = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? neutraliseForCsv(cell) : cell)));
	return (
		(options.bom === false ? '' : '\uFEFF') + Papa.unparse(safe, { newline: '\r\n', quotes: (value: unknown) => typeof value === 'string' })
	);
}

export function csvResponse(filename: string, body: string): Response {
	return new Response(body, {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"`,
			'cache-control': 'no-store'
		}
	});
}
