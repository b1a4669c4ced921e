import { describe, expect, it } from 'vitest';
import { MAX_ID } from '#lib/domain/ids.ts';
import { matchParam } from '../tests/helpers/params.ts';
import { isRowId } from './params';

describe('id parameter', () => {
	it.each(['1', '42', String(MAX_ID)])('matches %s', (param) => {
		expect(isRowId(param)).toBe(true);
		expect(matchParam('id', param)).toBe(param);
	});
	it.each(['0', '-1', '01', '1.5', '1e3', String(MAX_ID + 1), '99999999999', ' 1', '1\u0000', 'abc', ''])('refuses %j', (param) => {
		expect(isRowId(param)).toBe(false);
		expect(matchParam('id', param)).toBeUndefined();
	});
});

describe('roundStep parameter', () => {
	it.each(['open', 'close'])('matches %s', (param) => expect(matchParam('roundStep', param)).toBe(param));
	it.each(['opened', 'Open', '', 'delete'])('refuses %j', (param) => expect(matchParam('roundStep', param)).toBeUndefined());
});
