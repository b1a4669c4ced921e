import { describe, expect, it } from 'vitest';
import { aggregateVector, criticalCap, median, medianSeries, rateTechnology, roundRating, vectorMedians } from './aggregate';

describe('median', () => {
	it.each([
		[[], null],
		[[3], 3],
		[[1, 5], 3],
		[[2, 3], 2.5],
		[[4, 1, 3], 3],
		[[0, 0, 5, 5], 2.5],
		[[1, 2, 2, 4, 5, 5], 3]
	])('%j → %s', (values, expected) => {
		expect(median(values)).toBe(expected);
	});
});

describe('aggregateVector', () => {
	it("leaves don't-knows out of the median but counts them", () => {
		expect(aggregateVector([3, null, 4, null])).toEqual({ median: 3.5, n: 2, dontKnow: 2, min: 3, max: 4, disagreement: false });
	});
	it("all don't-know has no median and no disagreement", () => {
		expect(aggregateVector([null, null])).toEqual({ median: null, n: 0, dontKnow: 2, min: null, max: null, disagreement: false });
	});
	it('one respondent is their own median', () => {
		expect(aggregateVector([2])).toMatchObject({ median: 2, n: 1, disagreement: false });
	});
	it.each([
		[[1, 2], false],
		[[1, 3], true],
		[[0, 5, 3], true],
		[[4, 4, 5], false]
	])('spread of %j flags disagreement: %s', (scores, flagged) => {
		expect(aggregateVector(scores).disagreement).toBe(flagged);
	});
});

describe('roundRating', () => {
	it.each([
		[2.45, 2.5],
		[2.449, 2.4],
		[3.05, 3.1],
		[1.15, 1.2],
		[4.95, 5],
		[0.04, 0]
	])('%s → %s', (value, expected) => {
		expect(roundRating(value)).toBe(expected);
	});
});

describe('rateTechnology', () => {
	it('is the weighted mean of medians with data, floored to a level', () => {
		const r = rateTechnology([
			{ median: 4, weight: 1 },
			{ median: 2, weight: 3 },
			{ median: null, weight: 5 }
		]);
		// (4·1 + 2·3) / 4 = 2.5
		expect(r).toEqual({ rating: 2.5, level: 2, coverage: 2 / 3, vectorsWithData: 2, vectors: 3 });
	});
	it('rounds half up at one decimal before taking the level', () => {
		// (3 + 3 + 3.5 + 2.5 + 2.5 + 3.5 + 3 + 3.5 + 3 + 2.5 + 3 + 3 + 3 + 3 + 3.5) / 15 = 3.0333…
		expect(
			rateTechnology([3, 3, 3.5, 2.5, 2.5, 3.5, 3, 3.5, 3, 2.5, 3, 3, 3, 3, 3.5].map((median) => ({ median, weight: 1 })))?.rating
		).toBe(3);
		// (3·23 + 2.5·2) / 25 = 2.96 → 3.0 → level 3
		expect(
			rateTechnology([
				{ median: 3, weight: 23 },
				{ median: 2.5, weight: 2 }
			])
		).toMatchObject({ rating: 3, level: 3 });
	});
	it('no data is "not rated", never 0', () => {
		expect(rateTechnology([{ median: null, weight: 1 }])).toBeNull();
	});
	it('a single answered vector at 0 is a real rating of 0', () => {
		expect(
			rateTechnology([
				{ median: 0, weight: 1 },
				{ median: null, weight: 1 }
			])
		).toMatchObject({ rating: 0, level: 0, coverage: 0.5 });
	});
});

describe('medians of a result', () => {
	const result = { vectors: { a: aggregateVector([1, 3]), b: aggregateVector([null]), c: aggregateVector([4, 5, 5]) } };

	it('maps each vector to its median, null where nobody scored it', () => {
		expect(vectorMedians(result)).toEqual({ a: 2, b: null, c: 5 });
		expect(vectorMedians(null)).toEqual({});
		expect(vectorMedians(undefined)).toEqual({});
	});

	it('lines the medians up in the order asked for, null for vectors without data or without a result', () => {
		expect(medianSeries([{ key: 'c' }, { key: 'missing' }, { key: 'a' }, { key: 'b' }], result)).toEqual([5, null, 2, null]);
		expect(medianSeries([{ key: 'a' }, { key: 'c' }], null)).toEqual([null, null]);
	});
});

describe('critical vectors', () => {
	const vectors = (recoverability: number | null, critical = true) => [
		{ key: 'recoverability', median: recoverability, weight: 1, critical },
		{ key: 'stability', median: 5, weight: 1 },
		{ key: 'automation', median: 5, weight: 1 },
		{ key: 'usability', median: 5, weight: 1 },
		{ key: 'currency', median: 5, weight: 1 }
	];

	it('hold the level at the critical median plus the margin: a 0 in Recoverability cannot sit inside a level-4 technology', () => {
		expect(rateTechnology(vectors(0))).toMatchObject({ rating: 4, level: 1, cappedBy: 'recoverability' });
		expect(rateTechnology(vectors(0), 2)).toMatchObject({ level: 2, cappedBy: 'recoverability' });
		// A half-level median counts: 2.5 + 1 caps at 3.
		expect(rateTechnology(vectors(2.5))).toMatchObject({ level: 3, cappedBy: 'recoverability' });
	});

	it('leave the level alone when the cap is not lower, when the vector has no data, or when it is not critical', () => {
		expect(rateTechnology(vectors(4))?.cappedBy).toBeUndefined();
		expect(rateTechnology(vectors(null))).toMatchObject({ level: 5 });
		expect(rateTechnology(vectors(0, false))).toMatchObject({ level: 4 });
		expect(rateTechnology(vectors(0, false))?.cappedBy).toBeUndefined();
	});

	it('name the lowest cap, and the first key on a tie', () => {
		expect(
			criticalCap(
				[
					{ key: 'stability', median: 1, critical: true },
					{ key: 'automation', median: 1.5, critical: true },
					{ key: 'currency', median: 0.5, critical: false }
				],
				1
			)
		).toEqual({ level: 2, key: 'automation' });
	});
});
