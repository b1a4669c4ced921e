import { describe, expect, it } from 'vitest';
import { byUrgency, describeGoal, initiativeProgress, reachedIn } from './initiatives';
import { formatDate } from './format';

const goal = { vectorKey: 'recoverability', targetLevel: 3, dueOn: '2027-06-30' };
const result = (level: number, recoverability: number | null) => ({
	rating: { rating: level + 0.4, level, withData: 15 },
	vectors: { recoverability: { median: recoverability, n: 3, dontKnow: 0, min: 1, max: 5, disagreement: false } }
});

describe('initiatives', () => {
	it("reads the vector's median, or the level without a vector, from a rated result only", () => {
		expect(reachedIn(result(4, 2.5) as never, 'recoverability')).toBe(2.5);
		expect(reachedIn(result(4, 2.5) as never, null)).toBe(4);
		expect(reachedIn(result(4, null) as never, 'recoverability')).toBeNull();
		expect(reachedIn({ rating: null, vectors: {} }, null)).toBeNull();
		expect(reachedIn(null, 'recoverability')).toBeNull();
	});

	it.each([
		['every technology at or above the target: met, even after the date', [3, 4, 5], '2027-07-01', 'met', 3],
		['a median of 2.5 does not reach 3', [2.5, 3], '2027-06-30', 'open', 1],
		['on the due date it is still open', [2, null], '2027-06-30', 'open', 0],
		['the day after, overdue', [2, null], '2027-07-01', 'overdue', 0],
		['a set with no technologies is never met', [], '2027-01-01', 'open', 0]
	])('%s', (_, reached, today, status, met) => {
		const progress = initiativeProgress(goal, reached, today);
		expect(progress).toMatchObject({ status, met, total: reached.length, unmeasured: reached.filter((r) => r === null).length });
	});

	it('says the goal in words', () => {
		expect(describeGoal({ ...goal, category: 'database', teamName: null }, 'Recoverability', formatDate)).toBe(
			'Recoverability ≥ 3 for every database technology by 30 Jun 2027'
		);
		expect(describeGoal({ ...goal, vectorKey: null, targetLevel: 4, category: null, teamName: 'Platform SRE' }, null, formatDate)).toBe(
			'Level ≥ 4 for every technology of Platform SRE by 30 Jun 2027'
		);
	});

	it('lists overdue first, then by due date', () => {
		const p = (status: 'met' | 'open' | 'overdue') => ({ total: 1, met: 0, unmeasured: 0, status });
		const list = [
			{ name: 'later', dueOn: '2027-09-01', progress: p('open') },
			{ name: 'met', dueOn: '2026-01-01', progress: p('met') },
			{ name: 'late', dueOn: '2026-06-01', progress: p('overdue') },
			{ name: 'sooner', dueOn: '2027-03-01', progress: p('open') }
		];
		expect(list.sort(byUrgency).map((i) => i.name)).toEqual(['late', 'sooner', 'later', 'met']);
	});
});
