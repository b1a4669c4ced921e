import { Composer, Lexer, Parser, type CST, type Document } from 'yaml';

/** Deeper than any catalog needs: composing a document and turning it into values recurse once per level. */
export const MAX_YAML_NESTING = 64;
/**
 * YAML tokens in one document. A rich Backstage entity has a few hundred; the bound is on what one
 * broken document can cost, since the composer builds an Error (stack trace included) for every
 * stray token (~20 µs each here: 300,000 brackets on one line took 15 s to compose).
 */
export const MAX_DOCUMENT_TOKENS = 5000;
/** YAML tokens in a file: a 1 MB catalog of real entities has ~280,000 (a token per ~3.5 characters), one of brackets a million. */
export const MAX_FILE_TOKENS = 300_000;
const MAX_WARNINGS = 100;

export type CatalogYaml = { values: { line: number; value: unknown }[]; problem?: undefined } | { values?: undefined; problem: string };

/** Line numbers of offsets, from one scan of the line starts. */
function lineFinder(source: string) {
	const starts = [0];
	for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
	return (offset: number) => {
		let [lo, hi] = [0, starts.length - 1];
		while (lo < hi) {
			const mid = (lo + hi + 1) >> 1;
			if (starts[mid] <= offset) lo = mid;
			else hi = mid - 1;
		}
		return lo + 1;
	};
}

/**
 * The documents of an untrusted YAML file as values, each with its line; the first document YAML
 * cannot read stops the reading, naming its line. Read by the `yaml` package's own lexer and
 * parser, a token at a time, so every limit holds however the file spells its structure (`- - -`
 * on one line, brackets after a quote or a `#` that is no comment), which a line scan cannot
 * promise: the parser's stack is the block and flow nesting, brackets are counted as tokens, and
 * each document is composed as soon as it ends, so reading stops at the first broken one.
 */
export function readCatalogYaml(source: string, maxDocuments: number): CatalogYaml {
	const lineAt = lineFinder(source);
	const parser = new Parser();
	const composer = new Composer({ prettyErrors: false });
	const documents: Document.Parsed[] = [];
	let count = 0;
	let tokens = 0;
	let total = 0;
	let flow = 0;
	let warnings = 0;
	const unreadable = (offset: number, message: string) => ({ problem: `The YAML cannot be read at line ${lineAt(offset)}: ${message}` });
	/** The documents the composer hands over, kept until the first one with an error. */
	const keep = (composed: Iterable<Document.Parsed>) => {
		for (const doc of composed) {
			documents.push(doc);
			const [error] = doc.errors;
			if (error) return unreadable(error.pos[0], error.message.split('\n')[0]);
			if ((warnings += doc.warnings.length) > MAX_WARNINGS)
				return unreadable(
					doc.warnings[0].pos[0],
					`more than ${MAX_WARNINGS} warnings, the first: ${doc.warnings[0].message.split('\n')[0]}`
				);
		}
		return null;
	};
	/** Each document is composed as soon as the parser hands it over, so a broken one stops the reading. */
	const take = (token: CST.Token) => {
		if (token.type === 'error') return unreadable(token.offset, token.message);
		if (token.type === 'document') {
			tokens = 0;
			if (++count > maxDocuments) return { problem: `At most ${maxDocuments} entities per import.` };
		}
		return keep(composer.next(token));
	};
	for (const lexeme of new Lexer().lex(source)) {
		if (++total > MAX_FILE_TOKENS)
			return { problem: `The file holds more YAML than one import takes (over ${MAX_FILE_TOKENS.toLocaleString('en')} tokens): split it.` };
		if (++tokens > MAX_DOCUMENT_TOKENS)
			return {
				problem: `The document around line ${lineAt(parser.offset)} is larger than any catalog entity (over ${MAX_DOCUMENT_TOKENS} YAML tokens).`
			};
		// Brackets as the lexer reads them: inside a quoted or plain scalar they are text, not tokens.
		if (lexeme === '[' || lexeme === '{') flow++;
		else if ((lexeme === ']' || lexeme === '}') && flow > 0) flow--;
		for (const token of parser.next(lexeme)) {
			const problem = take(token);
			if (problem) return problem;
		}
		// The stack holds the document and the scalar being read besides the open collections.
		if (flow > MAX_YAML_NESTING || parser.stack.length > MAX_YAML_NESTING + 2)
			return { problem: `The YAML is nested more than ${MAX_YAML_NESTING} levels deep (line ${lineAt(parser.offset)}).` };
	}
	for (const token of parser.end()) {
		const problem = take(token);
		if (problem) return problem;
	}
	const problem = keep(composer.end());
	if (problem) return problem;
	try {
		// A document's own range may start at its `---` or after it; its contents start where the entity does.
		return { values: documents.map((d) => ({ line: lineAt((d.contents?.range ?? d.range)[0]), value: d.toJS({ maxAliasCount: 50 }) })) };
	} catch (error) {
		return { problem: `The YAML cannot be read: ${error instanceof Error ? error.message : String(error)}` };
	}
}
