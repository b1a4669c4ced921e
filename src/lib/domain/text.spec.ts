import { describe, expect, it } from 'vitest';
import { isWellFormedText, malformedTextAt } from './text';

describe('well-formed text', () => {
	it.each([
		['plain', true],
		['emoji 😀 is a whole pair', true],
		['\ud800', false],
		['trailing half \udc00', false],
		['swapped \udc00\ud800', false]
	])('%j is text: %s', (s, ok) => {
		expect(isWellFormedText(s)).toBe(ok);
	});

	it('finds the first string or key in parsed JSON that is not text, as a path', () => {
		expect(malformedTextAt({ name: 'ok', links: { docs: 'x' }, n: 3, list: ['a', null] })).toBe(null);
		expect(malformedTextAt(JSON.parse('{"name":"\\ud800"}'))).toEqual(['name']);
		expect(malformedTextAt(JSON.parse('{"a":"ok","answers":{"k":{"comment":"x\\udc00"}}}'))).toEqual(['answers', 'k', 'comment']);
		expect(malformedTextAt(JSON.parse('{"items":[{"name":"ok"},{"name":"\\ud800"}]}'))).toEqual(['items', 1, 'name']);
		expect(malformedTextAt(JSON.parse('{"answers":{"x\\ud800":{}}}'))).toEqual(['answers', 'x\ufffd']);
		expect(malformedTextAt('\ud800')).toEqual([]);
	});

	it('walks nesting deeper than the stack without throwing, and names a short path', () => {
		const deep = JSON.parse(`${'['.repeat(200_000)}"\\ud800"${']'.repeat(200_000)}`);
		expect(malformedTextAt(deep)).toEqual([...Array(16).fill(0), '…']);
	});

	it('cannot arrive through a form or a file: UTF-8 has no way to write it, so the decoders give U+FFFD', async () => {
		expect(new URLSearchParams('name=%ED%A0%80').get('name')).toBe('\ufffd\ufffd\ufffd');
		const body = new FormData();
		body.append('file', new Blob([new Uint8Array([0xed, 0xa0, 0x80])]), 'x.csv');
		const read = await new Request('http://x/', { method: 'POST', body }).formData();
		expect(isWellFormedText(await (read.get('file') as File).text())).toBe(true);
	});
});
