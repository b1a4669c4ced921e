import { describe, expect, it } from 'vitest';
import { changedAnswers, choiceOf, EMPTY_ANSWER, isEvidenceUrl, parseChoice, progressOf } from './assessment';

describe('parseChoice', () => {
	it.each([
		['', { score: null, dontKnow: false }],
		['?', { score: null, dontKnow: true }],
		['0', { score: 0, dontKnow: false }],
		['5', { score: 5, dontKnow: false }],
		['6', null],
		['-1', null],
		['2.5', null],
		['3 ', null],
		['abc', null]
	])('%j → %j', (raw, expected) => {
		expect(parseChoice(raw)).toEqual(expected);
	});

	it('round-trips through choiceOf', () => {
		for (const raw of ['', '?', '0', '3', '5']) expect(choiceOf({ ...EMPTY_ANSWER, ...parseChoice(raw)! })).toBe(raw);
	});
});

describe('progressOf', () => {
	const keys = ['a', 'b', 'c'];
	it("counts scores and don't-knows as answered, in framework order", () => {
		const p = progressOf(keys, { a: { ...EMPTY_ANSWER, score: 0 }, c: { ...EMPTY_ANSWER, dontKnow: true } });
		expect(p).toEqual({ answered: 2, total: 3, missing: ['b'] });
	});
	it('a comment alone is not an answer', () => {
		expect(progressOf(keys, { a: { ...EMPTY_ANSWER, comment: 'hm' } }).missing).toEqual(['a', 'b', 'c']);
	});
});

describe('isEvidenceUrl', () => {
	it.each([
		['https://wiki.example.com/runbook', true],
		['http://intranet/page', true],
		['javascript:alert(1)', false],
		['JAVASCRIPT:alert(1)', false],
		['data:text/html,hi', false],
		['ftp://files.example.com', false],
		['wiki.example.com', false],
		[`https://x.io/${'a'.repeat(2100)}`, false],
		// Parses as a URL, but is not what the database's check (and a reader) takes for one.
		['http:/\\host/x', false],
		['https://host/a b', false],
		['https://host/\u0000', false],
		['https://host/x\ty', false],
		['HTTPS://Wiki.Example.com/Page?q=1#top', true]
	])('%s → %s', (url, ok) => {
		expect(isEvidenceUrl(url)).toBe(ok);
	});
});

describe('changedAnswers', () => {
	it('lists only vectors whose answer differs, with before and after', () => {
		const before = { a: { ...EMPTY_ANSWER, score: 2 }, b: { ...EMPTY_ANSWER, score: 3 } };
		const after = { a: { ...EMPTY_ANSWER, score: 2 }, b: { ...EMPTY_ANSWER, score: 4 }, c: { ...EMPTY_ANSWER, dontKnow: true } };
		expect(changedAnswers(before, after)).toEqual({
			b: { before: before.b, after: after.b },
			c: { before: EMPTY_ANSWER, after: after.c }
		});
	});
});
