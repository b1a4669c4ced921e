import { describe, expect, it } from 'vitest';
import { aggregateVector } from './aggregate';
import { advance, calibrate, distribution, suggestedLevel, vectorsToCalibrate, votesToReveal } from './calibration';

describe('calibration', () => {
	it('an agreed level replaces the median and keeps the spread and the median it replaced', () => {
		const spread = aggregateVector([1, 3, 5]);
		expect(calibrate(spread, 2)).toEqual({ median: 2, n: 3, dontKnow: 0, min: 1, max: 5, disagreement: true, calibratedFrom: 3 });
		expect(calibrate(spread, undefined)).toBe(spread);
		expect(calibrate(spread, 0).median).toBe(0);
	});

	it('walks through the vectors flagged for disagreement, in the order given', () => {
		const vectors = { a: aggregateVector([1, 5]), b: aggregateVector([3, 3]), c: aggregateVector([0, 2]) };
		expect(vectorsToCalibrate(['c', 'b', 'a', 'missing'], vectors)).toEqual(['c', 'a']);
		expect(vectorsToCalibrate(['b'], vectors)).toEqual([]);
	});

	it('counts votes per level without saying who voted what', () => {
		expect(distribution([3, 1, 3, 5])).toEqual([0, 1, 0, 2, 0, 1]);
		expect(distribution([])).toEqual([0, 0, 0, 0, 0, 0]);
	});

	it.each([
		[5, 3, 3],
		[2, 3, 2],
		[3, 1, 2],
		[1, 3, 1],
		[10, 5, 5]
	])('with %i taking part and a threshold of %i, a reveal needs %i votes', (participants, threshold, needed) =>
		expect(votesToReveal(participants, threshold)).toBe(needed)
	);

	it('ends after the last vector', () => {
		expect(advance(0, 3)).toEqual({ position: 1, phase: 'voting' });
		expect(advance(2, 3)).toEqual({ position: 3, phase: 'ended' });
	});

	it('suggests the level most people re-voted for; on a tie the lower one, and says which levels drew', () => {
		expect(suggestedLevel([0, 0, 1, 3, 0, 0])).toEqual({ level: 3, tied: [] });
		expect(suggestedLevel([0, 0, 1, 0, 1, 0])).toEqual({ level: 2, tied: [2, 4] });
		expect(suggestedLevel([0, 0, 0, 0, 0, 0])).toBeNull();
	});
});
