/** Text that a spreadsheet would read as a formula (or a DDE command) gets a leading quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(text: string): string {
	return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * For CSV, also every place inside a cell where a spreadsheet reading the file with another
 * separator (";" or tab, as Excel does in many locales) or line ending could start a new cell: a
 * quote goes after such a character when a formula character follows (quotes in between too).
 */
const INNER_FORMULA = /([;\t\r\n]"*)(?=[=+\-@\t\r])/g;

export function neutraliseForCsv(text: string): string {
	return neutralise(text).replace(INNER_FORMULA, "$1'");
}
