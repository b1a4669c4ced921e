import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MAX_DOCUMENT_TOKENS, readCatalogYaml } from './catalog-yaml';

const CATALOG = readFileSync(new URL('../../../tests/fixtures/backstage/catalog-info.yaml', import.meta.url), 'utf8');
const DEEP = 300_000;

/** The reading, and how long it took: a refusal is only worth having if it is cheap. */
function timed(source: string) {
	const started = performance.now();
	const reading = readCatalogYaml(source, 2000);
	return { ...reading, ms: performance.now() - started };
}

describe('reading an untrusted catalog YAML', () => {
	it('reads a real Backstage catalog: every entity, with the line it starts on', () => {
		const reading = readCatalogYaml(CATALOG, 2000);
		expect(reading.values?.map((v) => [v.line, (v.value as { kind: string }).kind])).toEqual([
			[3, 'Component'],
			[24, 'Resource'],
			[34, 'System'],
			[42, 'API'],
			[53, 'Group']
		]);
	});

	// Each of these got past the line scan that came before, and the parser then took 0.4–2.6 s (or its stack) per request.
	it.each([
		['a block sequence nested on one line', '---\n' + '- '.repeat(DEEP) + 'x\n'],
		['a block map nested on one line', '---\n' + 'a: '.repeat(DEEP) + 'x\n'],
		['flow sequences after a quote in a plain scalar', "---\na: [it's, " + '['.repeat(DEEP) + '\n'],
		['flow sequences after a # that is no comment', '---\na: [x#y, ' + '['.repeat(DEEP) + '\n'],
		['brackets after a quoted scalar', '---\na: "x" ' + '['.repeat(DEEP) + '\n'],
		['flow maps', '---\n' + '{a: '.repeat(DEEP) + '\n'],
		['indentation', 'a:\n' + Array.from({ length: 200 }, (_, i) => `${' '.repeat(i + 1)}b${i}:`).join('\n')]
	])('refuses nesting deeper than 64 levels, quickly: %s', (_, source) => {
		const reading = timed(source);
		expect(reading.problem).toMatch(/^The YAML is nested more than 64 levels deep \(line \d+\)\.$/);
		expect(reading.ms).toBeLessThan(100);
	});

	it('stops at the first broken document, and at a document larger than any entity, before composing the rest', () => {
		// Half a million stray tokens: each costs the composer an Error with its stack trace.
		const strays = timed('---\nkind: Component\n---\na: ' + ']'.repeat(500_000) + '\n---\nkind: Group\n');
		expect(strays.problem).toMatch(/^The YAML cannot be read at line 4: /);
		expect(strays.ms).toBeLessThan(100);
		const big = timed('---\n' + '- "x" "y"\n'.repeat(100_000));
		expect(big.problem).toMatch(
			new RegExp(`^The document around line \\d+ is larger than any catalog entity \\(over ${MAX_DOCUMENT_TOKENS} YAML tokens\\)\\.$`)
		);
		expect(big.ms).toBeLessThan(250);
		expect(readCatalogYaml('---\nkind: A\n'.repeat(2001), 2000).problem).toBe('At most 2000 entities per import.');
		expect(readCatalogYaml('---\n' + '- !custom x\n'.repeat(200), 2000).problem).toMatch(/more than 100 warnings/);
		// A chain of aliases, each nesting the last deeper, is refused rather than expanded.
		const chain = Array.from({ length: 30 }, (_, i) => `a${i}: &a${i} ${'['.repeat(60)}${i ? `*a${i - 1}` : 'x'}${']'.repeat(60)}`);
		expect(readCatalogYaml(`---\n${chain.join('\n')}\n`, 2000).problem).toMatch(/^The YAML cannot be read: Excessive alias count/);
	});

	it('takes brackets in strings, comments and block scalars as text', () => {
		const source = `---\nkind: Component\nmetadata:\n  description: "${'['.repeat(100)}" # ${'{'.repeat(100)}\n  notes: |\n    ${'['.repeat(100)}\n`;
		expect(readCatalogYaml(source, 2000).values).toHaveLength(1);
	});
});
