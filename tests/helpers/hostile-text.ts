import fc from 'fast-check';
import { LANES } from '../../src/lib/domain/framework';

/** What a spreadsheet reads as the start of a formula or command (OWASP's list for CSV injection). */
export const FORMULA_START = /^[=+\-@\t\r]/;

// The characters that matter: formula starts, line breaks, tabs, quotes, separators, BOMs, XML
// markup (an XLSX is XML inside), and some ordinary text between them. No entity such as `&amp;`:
// the writer escapes it, but exceljs's reader decodes entities twice and would report `&`.
const piece = fc.constantFrom(
	'=',
	'+',
	'-',
	'@',
	'\t',
	'\r',
	'\n',
	'\r\n',
	'"',
	"'",
	',',
	';',
	'\uFEFF',
	' ',
	'a',
	'ü',
	'<f>1+1</f>',
	'&',
	'HYPERLINK("http://x")',
	'1+1'
);

/** Text a hostile user could type into any field that ends up in a spreadsheet. */
export const hostileText = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));

/** A backlog item whose every text field is hostile; numbers stay in the ranges the product gives them. */
export const hostileItem = fc.record({
	title: hostileText,
	actions: fc.array(hostileText, { maxLength: 4 }),
	kind: fc.constantFrom('gap' as const, 'calibrate' as const),
	vectorKey: hostileText,
	lane: fc.constantFrom(...LANES),
	currentLevel: fc.option(fc.integer({ min: 0, max: 5 })),
	targetLevel: fc.integer({ min: 0, max: 5 }),
	priority: fc.double({ min: 0, max: 15, noNaN: true }),
	size: fc.constantFrom(1, 2, 3, 5, 8, 13),
	technologyName: hostileText,
	technologySlug: hostileText,
	ticketUrl: hostileText
});
