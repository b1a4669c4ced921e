import { describe, expect, it } from 'vitest';
import { cadenceOf, DEFAULT_CADENCE, dueOf, isCadenceSetting, ratingDue } from './cadence';

describe('reassessment cadence', () => {
	it('takes the technology’s own, else its category’s, else the default', () => {
		expect(cadenceOf({ category: 'database', reassessDays: 30 }, DEFAULT_CADENCE)).toBe(30);
		expect(cadenceOf({ category: 'database', reassessDays: null }, DEFAULT_CADENCE)).toBe(90);
		expect(cadenceOf({ category: 'ci-cd', reassessDays: null }, DEFAULT_CADENCE)).toBe(180);
		// A category named after something every object has finds nothing of its own.
		for (const category of ['constructor', '__proto__', 'toString'])
			expect(cadenceOf({ category, reassessDays: null }, DEFAULT_CADENCE)).toBe(180);
	});

	it('is due cadence days after the rating, overdue after that', () => {
		const now = new Date('2026-12-07T12:00:00Z');
		expect(dueOf('2026-10-01T09:00:00Z', 90, now)).toEqual({ dueOn: '2026-12-30', overdueBy: null, label: 'due in 23 days' });
		// The due day itself counts as due: lists and "Everything due" take it.
		expect(dueOf('2026-09-08T09:00:00Z', 90, now)).toEqual({ dueOn: '2026-12-07', overdueBy: 0, label: 'due today' });
		expect(dueOf('2026-06-01T09:00:00Z', 90, now)).toEqual({ dueOn: '2026-08-30', overdueBy: 99, label: 'overdue by 99 days' });
	});

	it('refuses a stored setting outside 7 to 1,095 days', () => {
		expect(isCadenceSetting(DEFAULT_CADENCE)).toBe(true);
		expect(isCadenceSetting({ defaultDays: 5, categories: {} })).toBe(false);
		expect(isCadenceSetting({ defaultDays: 90, categories: { db: 2000 } })).toBe(false);
		expect(isCadenceSetting(null)).toBe(false);
	});

	it('dates a rating by its technology’s own cadence, and not one from a round still open', () => {
		const setting = { defaultDays: 365, categories: { database: 90 } };
		const now = new Date('2026-12-07T12:00:00Z');
		expect(ratingDue('2026-08-01T00:00:00Z', { category: 'database', reassessDays: null }, setting, now)).toMatchObject({
			dueOn: '2026-10-30',
			label: 'overdue by 38 days'
		});
		expect(ratingDue('2026-08-01T00:00:00Z', { category: 'other', reassessDays: null }, setting, now)!.overdueBy).toBeNull();
		expect(ratingDue(null, { category: 'database', reassessDays: 30 }, setting, now)).toBeNull();
	});
});
