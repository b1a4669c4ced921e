import { describe, expect, it } from 'vitest';
import { bearerMatches } from './bearer';

describe('bearerMatches', () => {
	it.each([
		['Bearer s3cret-token-0123456789', true],
		['bearer s3cret-token-0123456789', true],
		['Bearer s3cret-token-012345678', false],
		['Bearer s3cret-token-01234567890', false],
		['Basic s3cret-token-0123456789', false],
		['s3cret-token-0123456789', false],
		['Bearer ', false],
		['', false],
		[null, false]
	])('%s → %s', (header, expected) => {
		expect(bearerMatches(header, 's3cret-token-0123456789')).toBe(expected);
	});
});
