import { describe, expect, it } from 'vitest';
import { chooseResultsRound, pickedRound, previousClosedRound, type ChoosableRound } from './round-choice';

const r = (id: number, state: ChoosableRound['state'], rated = 3): ChoosableRound => ({ id, state, rated });

describe('chooseResultsRound', () => {
	// Newest first, as every round list is ordered.
	const rounds = [r(4, 'draft', 0), r(3, 'open', 1), r(2, 'closed'), r(1, 'closed')];

	it.each([
		['the newest closed round by default, not an open one with one answer', rounds, null, 2, 1, false],
		['an open round when asked for, as provisional, measured against the last closed one', rounds, 3, 3, 2, true],
		['an older closed round when asked for', rounds, 1, 1, undefined, false],
		['a draft or unknown id falls back to the default', rounds, 4, 2, 1, false],
		['the open round when nothing has closed yet', [r(2, 'open', 1), r(1, 'draft', 0)], null, 2, undefined, true],
		['skips a closed round without ratings as the comparison', [r(3, 'closed'), r(2, 'closed', 0), r(1, 'closed')], null, 3, 1, false],
		['prefers a closed round with ratings over an empty newer one', [r(3, 'closed', 0), r(2, 'closed')], null, 2, undefined, false]
	])('%s', (_, list, wanted, round, previous, provisional) => {
		const choice = chooseResultsRound(list, wanted);
		expect(choice.round?.id).toBe(round);
		expect(choice.previous?.id).toBe(previous);
		expect(choice.provisional).toBe(provisional);
	});

	it('measures any round, a draft too, against the newest closed round with ratings before it', () => {
		expect(previousClosedRound(rounds, 4)?.id).toBe(2);
		expect(previousClosedRound(rounds, 2)?.id).toBe(1);
		expect(previousClosedRound(rounds, 1)).toBeUndefined();
		expect(previousClosedRound(rounds, 99)).toBeUndefined();
	});

	it('chooses nothing when there are no rounds', () => {
		expect(chooseResultsRound([])).toEqual({ round: undefined, previous: undefined, provisional: false });
	});
});

describe('pickedRound', () => {
	const rounds = [r(3, 'draft', 0), r(2, 'open', 1), r(1, 'closed')];
	it.each([
		['a closed round', 1, 1],
		['an open round', 2, 2],
		['not a draft', 3, undefined],
		['nothing asked: latest per technology', null, undefined],
		['an unknown id: latest per technology', 99, undefined]
	])('%s', (_, wanted, expected) => {
		expect(pickedRound(rounds, wanted)?.id).toBe(expected);
	});
});
