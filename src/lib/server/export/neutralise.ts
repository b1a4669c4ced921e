/** Text that a spreadsheet would read as a formula (or a DDE command) gets a leading quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
	return FORMULA_START.test(text) ? `'${text}` : text;
}
