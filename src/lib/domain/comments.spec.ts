import { describe, expect, it } from 'vitest';
import { quoteAnswer } from './comments';

describe('quoteAnswer', () => {
	it.each([
		[{ respondent: 'Ana', score: 3, dontKnow: false, comment: 'Fine', evidence: '' }, 'Ana (3): “Fine”'],
		[{ respondent: 'Ana', score: null, dontKnow: true, comment: '', evidence: 'https://x' }, "Ana (don't know): evidence: https://x"],
		[{ respondent: '', score: null, dontKnow: false, comment: 'Slow', evidence: 'https://x' }, '• “Slow” · evidence: https://x']
	])('%o reads %s', (answer, line) => {
		expect(quoteAnswer(answer)).toBe(line);
	});
});
