import { describe, expect, it } from 'vitest';
import { MAX_ID } from '$lib/domain/ids';
import { match } from './id';

describe('id parameter', () => {
	it.each(['1', '42', String(MAX_ID)])('matches %s', (param) => expect(match(param)).toBe(true));
	it.each(['0', '-1', '01', '1.5', '1e3', String(MAX_ID + 1), '99999999999', ' 1', '1\u0000', 'abc', ''])('refuses %j', (param) =>
		expect(match(param)).toBe(false)
	);
});
