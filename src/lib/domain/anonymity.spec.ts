import { describe, expect, it } from 'vitest';
import { DEFAULT_ANONYMITY_THRESHOLD, enoughAnswered, groupsToShow, isAnonymitySetting } from './anonymity';

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
