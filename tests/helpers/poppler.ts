import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
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
