import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatTime, isoDate, isoWeek } from './format';

describe('one date format', () => {
	it.each([
		['2026-11-30', '30 Nov 2026'],
		['2027-01-05', '5 Jan 2027'],
		[new Date('2026-02-28T23:30:00Z'), '28 Feb 2026'],
		[null, ''],
		['', '']
	])('%s → %s', (input, out) => expect(formatDate(input as string | Date | null)).toBe(out));

	it('writes moments in UTC so server and browser agree', () => {
		expect(formatDateTime('2026-11-30T09:05:00+01:00')).toBe('30 Nov 2026, 08:05 UTC');
		expect(formatTime(new Date('2026-11-30T23:59:59Z'))).toBe('23:59 UTC');
	});
});

describe('calendar keys', () => {
	it.each([
		['2026-11-30T23:59:00Z', '2026-W49'],
		['2026-01-01T00:00:00Z', '2026-W01'],
		['2027-01-01T12:00:00Z', '2026-W53'],
		['2024-12-30T00:00:00Z', '2025-W01'],
		['2021-01-03T00:00:00Z', '2020-W53'],
		['2026-12-06T23:00:00Z', '2026-W49'],
		['2026-12-07T00:00:00Z', '2026-W50']
	])('%s is in ISO week %s', (at, week) => {
		expect(isoWeek(new Date(at))).toBe(week);
	});

	it('dates an instant in UTC', () => {
		expect(isoDate(new Date('2026-11-30T23:59:59Z'))).toBe('2026-11-30');
	});
});
