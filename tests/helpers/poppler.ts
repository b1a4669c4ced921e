import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** poppler-utils is installed by .ci/run; a machine without it runs only the PDF checks that need no reader. */
export const hasPoppler = (() => {
	try {
		execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
		return true;
	} catch {
		return false;
	}
})();

/** Writes a PDF to a temporary file and returns its path, for poppler's command-line readers. */
export function pdfFile(pdf: Uint8Array) {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'opsm-pdf-')), 'report.pdf');
	writeFileSync(file, pdf);
	return file;
}

/** The PDF's text as pdftotext reads it, whitespace folded to single spaces. */
export function pdfText(pdf: Uint8Array) {
	return execFileSync('pdftotext', [pdfFile(pdf), '-'])
		.toString()
		.replace(/\s+/g, ' ');
}

/**
 * How many pixels of pages `first`…`last` of a PDF, as poppler draws them at `dpi`, lie within `tolerance` (the sum of
 * the three channels' differences) of one of `colours` (`#rrggbb`). pdftoppm writes binary PPM: a short text header,
 * then the RGB bytes, which need no image library to read.
 */
export function pixelsInColours(file: string, pages: { first: number; last: number }, dpi: number, colours: string[], tolerance = 40) {
	const wanted = colours.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
	const dir = mkdtempSync(path.join(tmpdir(), 'opsm-ppm-'));
	execFileSync('pdftoppm', ['-r', String(dpi), '-f', String(pages.first), '-l', String(pages.last), file, path.join(dir, 'page')]);
	let count = 0;
	for (const name of readdirSync(dir)) {
		const ppm = readFileSync(path.join(dir, name));
		// "P6\n<width> <height>\n255\n" then width × height × 3 bytes.
		const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(ppm.subarray(0, 40).toString('latin1'));
		if (!header) throw new Error(`${name} is not a binary PPM`);
		for (let i = header[0].length; i + 2 < ppm.length; i += 3)
			if (wanted.some(([r, g, b]) => Math.abs(ppm[i] - r) + Math.abs(ppm[i + 1] - g) + Math.abs(ppm[i + 2] - b) < tolerance)) count++;
	}
	rmSync(dir, { recursive: true, force: true });
	return count;
}
