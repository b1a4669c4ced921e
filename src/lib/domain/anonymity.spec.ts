import { describe, expect, it } from 'vitest';
import { aggregateVector, type Rating } from './aggregate';
import {
	DEFAULT_ANONYMITY_THRESHOLD,
	enoughAnswered,
	groupsToShow,
	isAnonymitySetting,
	mayTellApart,
	shareableResult,
	shareableVector,
	withheldNote
} from './anonymity';

describe('the anonymity threshold', () => {
	it('is 3 unless an admin sets it', () => expect(DEFAULT_ANONYMITY_THRESHOLD).toBe(3));

	it.each([
		[2, 3, false],
		[3, 3, true],
		[4, 3, true],
		[0, 1, false],
		[1, 1, true]
	])('%i answers against a threshold of %i: shown %s', (answered, threshold, shown) =>
		expect(enoughAnswered(answered, threshold)).toBe(shown)
	);

	it('holds back the teams with too few respondents and counts them', () => {
		const teams = [
			{ name: 'SRE', respondents: 5 },
			{ name: 'Data', respondents: 2 },
			{ name: 'Platform', respondents: 3 }
		];
		const { shown, withheld } = groupsToShow(teams, 3);
		expect(shown.map((t) => t.name)).toEqual(['SRE', 'Platform']);
		expect(withheld).toBe(1);
	});

	it.each([
		[{ threshold: 3 }, true],
		[{ threshold: 1 }, true],
		[{ threshold: 20 }, true],
		[{ threshold: 0 }, false],
		[{ threshold: 21 }, false],
		[{ threshold: 2.5 }, false],
		[{ threshold: '3' }, false],
		[null, false],
		[{}, false]
	])('accepts %j as a stored setting: %s', (value, ok) => expect(isAnonymitySetting(value)).toBe(ok));
});

describe('the figures a reader may see', () => {
	const member = (threshold: number) => ({ seesNames: false, threshold });
	const lead = (threshold: number) => ({ seesNames: true, threshold });

	it.each([
		['one answer, threshold 3, a member', 1, member(3), false],
		['two answers, threshold 3, a member', 2, member(3), false],
		['three answers, threshold 3, a member', 3, member(3), true],
		['one answer, threshold 3, a lead (sees names)', 1, lead(3), true],
		['one answer, threshold off (1), a member', 1, member(1), true],
		['four answers, threshold 5, a member', 4, member(5), false]
	])('%s: may tell respondents apart %s', (_, answered, reader, shown) => {
		expect(mayTellApart(answered, reader)).toBe(shown);
		const vector = aggregateVector([4]);
		expect(shareableVector(vector, answered, reader)).toEqual(shown ? vector : null);
	});

	const rating: Rating = { rating: 2.5, level: 1, coverage: 1, vectorsWithData: 2, vectors: 2, cappedBy: 'recoverability' };
	const result = (submitted: number) => ({
		submitted,
		assigned: 4,
		rating,
		vectors: { stability: aggregateVector([1, 4].slice(0, submitted)), recoverability: aggregateVector([0, 2].slice(0, submitted)) }
	});

	it.each([
		// Below the threshold: the rating and its level stay, nothing per vector, not the vector that capped it.
		['1 of threshold 3, member', 1, member(3), { answered: 1, threshold: 3 }],
		['2 of threshold 3, member', 2, member(3), { answered: 2, threshold: 3 }],
		['2 of threshold 3, lead', 2, lead(3), null],
		['2 of threshold 2, member', 2, member(2), null],
		// Nobody answered: there is nothing to hold back.
		['0 of threshold 3, member', 0, member(3), null]
	])('a result from %s is held back: %j', (_, submitted, reader, withheld) => {
		const shared = shareableResult(result(submitted), reader);
		expect(shared.withheld).toEqual(withheld);
		if (withheld) {
			expect(shared.vectors).toEqual({});
			expect(shared.rating).toEqual({ rating: 2.5, level: 1, coverage: 1, vectorsWithData: 2, vectors: 2 });
			expect(JSON.stringify(shared)).not.toMatch(/min|max|median|disagreement|recoverability/);
		} else expect(shared).toEqual({ ...result(submitted), withheld: null });
	});

	it('keeps a missing rating missing', () =>
		expect(shareableResult({ ...result(1), rating: null }, member(3))).toMatchObject({ rating: null, vectors: {} }));

	it('says what is held back and why', () =>
		expect(withheldNote({ answered: 1, threshold: 3 })).toBe(
			'Vector figures (medians, ranges, disagreement) are held back: the rating comes from 1 respondent, below the anonymity threshold of 3, and with so few any figure per vector could single one out.'
		));
});
