import { describe, expect, it } from 'vitest';
import {
	describeMeasure,
	factOf,
	factsByVector,
	factsDisagree,
	factsSuggest,
	measureOf,
	suggestedLevel,
	thresholdsInOrder,
	valueProblem,
	DEFAULT_SIGNAL_KINDS
} from './signals';

// The defaults a new installation starts with: the tests read the method's own examples off them.
const kind = (key: string) => DEFAULT_SIGNAL_KINDS.find((k) => k.key === key)!;
const restore = kind('last-restore-test');
const eol = kind('end-of-life');
const alerts = kind('firing-alerts');
const now = new Date('2026-12-07T15:00:00Z');
const value = (v: { number?: number; date?: string }) => ({
	number: v.number ?? null,
	date: v.date ?? null,
	detail: '',
	observedAt: now,
	source: 'api' as const
});

describe('signals', () => {
	it('reads a dated fact as whole days since or until it, on UTC dates', () => {
		expect(measureOf(restore, value({ date: '2026-07-18' }), now)).toBe(142);
		expect(measureOf(eol, value({ date: '2027-01-16' }), now)).toBe(40);
		expect(measureOf(eol, value({ date: '2026-12-01' }), now)).toBe(-6);
		expect(measureOf(alerts, value({ number: 3 }), now)).toBe(3);
		expect(measureOf(restore, value({ number: 3 }), now)).toBeNull();
	});

	it('suggests the highest level whose threshold the figure meets, either way round', () => {
		// The example the method gives: a restore test 142 days ago suggests level 2.
		expect(suggestedLevel(restore, 142)).toBe(2);
		expect(suggestedLevel(restore, 7)).toBe(5);
		expect(suggestedLevel(restore, 400)).toBe(0);
		expect(suggestedLevel(alerts, 0)).toBe(5);
		expect(suggestedLevel(alerts, 21)).toBe(0);
		expect(suggestedLevel(eol, -6)).toBe(0);
		expect(suggestedLevel(eol, 0)).toBe(1);
		expect(suggestedLevel(eol, 800)).toBe(5);
	});

	it('says the fact in words with what it suggests', () => {
		expect(factOf(restore, value({ date: '2026-07-18' }), now)).toMatchObject({
			text: 'Last successful restore test: 142 days ago (2026-07-18)',
			suggests: 2
		});
		expect(describeMeasure(eol, value({ date: '2027-01-16' }), now)).toBe('in 40 days (2027-01-16)');
		expect(describeMeasure(eol, value({ date: '2026-12-06' }), now)).toBe('1 day ago (2026-12-06)');
		expect(describeMeasure(eol, value({}), now)).toBe('no date announced');
		expect(describeMeasure(alerts, value({ number: 1 }), now)).toBe('1 alert');
		expect(describeMeasure(alerts, value({ number: 3 }), now)).toBe('3 alerts');
		expect(factOf(eol, value({}), now).suggests).toBeNull();
	});

	it('takes thresholds only in the order the better way implies', () => {
		expect(thresholdsInOrder('lower', [365, 180, 90, 30, 7])).toBe(true);
		expect(thresholdsInOrder('higher', [365, 180, 90, 30, 7])).toBe(false);
		expect(thresholdsInOrder('higher', [0, 0, 1, 5, 20])).toBe(true);
		expect(thresholdsInOrder('higher', [0, 1, 5, 20])).toBe(false);
		expect(thresholdsInOrder('higher', [0, 1, 5, 20, Infinity])).toBe(false);
	});

	it('lets the weakest fact of a vector speak for it, and flags a median two levels away', () => {
		expect(factsSuggest([{ suggests: 4 }, { suggests: 1 }, { suggests: null }])).toBe(1);
		expect(factsSuggest([{ suggests: null }])).toBeNull();
		expect(factsDisagree(4, 2)).toBe(true);
		expect(factsDisagree(0.5, 2.5)).toBe(true);
		expect(factsDisagree(3.5, 2)).toBe(false);
		expect(factsDisagree(null, 0)).toBe(false);
		expect(factsDisagree(4, null)).toBe(false);
	});

	it('groups a technology’s facts by vector, each with the weakest suggestion and the two-level flag', () => {
		const fact = (vectorKey: string, suggests: number | null) => ({
			kind: 'k',
			vectorKey,
			text: '',
			detail: '',
			suggests,
			source: 'API',
			observedAt: '',
			age: ''
		});
		const grouped = factsByVector([fact('recoverability', 4), fact('recoverability', 1), fact('currency', 3)], {
			recoverability: 3.5,
			currency: 3
		});
		expect(grouped.recoverability).toMatchObject({ suggests: 1, disagrees: true });
		expect(grouped.currency).toMatchObject({ suggests: 3, disagrees: false });
		expect(factsByVector([fact('currency', 0)]).currency.disagrees).toBe(false);
	});

	it('names what a kind takes when a sender sends the other', () => {
		expect(valueProblem(alerts, { number: 2, date: null })).toBeNull();
		expect(valueProblem(alerts, { number: null, date: '2026-01-01' })).toMatch(/is a number: send value/);
		expect(valueProblem(restore, { number: 3, date: null })).toMatch(/is a date: send date/);
		expect(valueProblem(restore, { number: 3, date: '2026-01-01' })).toMatch(/is a date/);
	});
});
