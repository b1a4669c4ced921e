import Papa from 'papaparse';

/**
 * CSV that Excel opens with accents intact (UTF-8 BOM) and that cannot run formulas: any cell
 * starting with = + - @ tab or carriage return is prefixed with a quote (papaparse's escapeFormulae).
 */
export function toCsv(rows: (string | number | null)[][], options: { bom?: boolean } = {}): string {
	return (options.bom === false ? '' : '\uFEFF') + Papa.unparse(rows, { escapeFormulae: true, newline: '\r\n' });
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
