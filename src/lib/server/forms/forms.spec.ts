import { describe, expect, it } from 'vitest';
import { isCalendarDate, MAX_ID, parseId, parseVersion } from './index';

describe('isCalendarDate', () => {
	it.each(['2026-02-28', '2024-02-29', '0001-01-01', '0099-12-31', '9999-12-31'])('accepts %s', (d) =>
		expect(isCalendarDate(d)).toBe(true)
	);
	it.each(['2026-02-30', '2026-13-01', '2026-00-10', '0000-01-01', '2026-2-3', '2026-02-28T00:00', ''])('refuses %j', (d) =>
		expect(isCalendarDate(d)).toBe(false)
	);
});

describe('parseId and parseVersion', () => {
	it('take what PostgreSQL integer holds, and nothing else', () => {
		expect(parseId(String(MAX_ID))).toBe(MAX_ID);
		expect(parseId(String(MAX_ID + 1))).toBeNull();
		expect(parseId('0')).toBeNull();
		expect(parseVersion('0')).toBe(0);
		expect(parseVersion(String(MAX_ID + 1))).toBeNull();
		expect(parseVersion('1e3')).toBeNull();
		expect(parseVersion(null)).toBeNull();
	});
});
