import { describe, expect, it } from 'vitest';
import { isCalendarDate, MAX_ID, optionalText, parseId, parseVersion, text } from './index';

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

describe('the text rule', () => {
	it('refuses half a surrogate pair, naming the field', () => {
		const name = text('Name').safeParse('Kafka \ud800');
		expect(name.success).toBe(false);
		expect(name.error?.issues[0].message).toMatch(/^Name is not valid text/);
		expect(optionalText('Comment', 100, { multiline: true }).safeParse('a\n\udc00').error?.issues[0].message).toMatch(
			/^Comment is not valid text/
		);
		expect(text('Name').safeParse('Kafka 😀').success).toBe(true);
	});
});
