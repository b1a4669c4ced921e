import { describe, expect, it } from 'vitest';
import { ratingAge, ratingSource, sourceRounds, type SourceRound } from './rating-source';

const NOW = new Date('2026-11-15T10:00:00Z');

describe('ratingAge', () => {
	it.each([
		['2026-11-15T09:00:00Z', 'today'],
		['2026-11-16T09:00:00Z', 'today'],
		['2026-11-14T09:00:00Z', '1 day ago'],
		['2026-11-05T10:00:00Z', '10 days ago'],
		['2026-11-01T10:00:00Z', '2 weeks ago'],
		['2026-09-20T10:00:00Z', '8 weeks ago'],
		['2026-09-15T10:00:00Z', '2 months ago'],
		['2026-07-01T00:00:00Z', '4 months ago'],
		['2025-11-16T10:00:00Z', '11 months ago'],
		['2025-11-15T10:00:00Z', '1 year ago'],
		['2024-10-01T00:00:00Z', '2 years ago']
	])('closed %s reads "%s"', (closedAt, expected) => {
		expect(ratingAge(closedAt, NOW)).toBe(expected);
	});
});

describe('ratingSource', () => {
	const closed: SourceRound = { id: 7, name: '2026 Q3', state: 'closed', closedAt: new Date('2026-07-01T00:00:00Z') };

	it.each([
		[
			'one respondent under a threshold of 3',
			closed,
			1,
			3,
			'2026 Q3 · 4 months ago',
			'from 1 respondent, below the anonymity threshold of 3'
		],
		['two under 3', closed, 2, 3, '2026 Q3 · 4 months ago', 'from 2 respondents, below the anonymity threshold of 3'],
		['exactly the threshold', closed, 3, 3, '2026 Q3 · 4 months ago', null],
		['a threshold of 1 never marks a rating', closed, 1, 1, '2026 Q3 · 4 months ago', null],
		['nobody answered: no rating to mark', closed, 0, 3, '2026 Q3 · 4 months ago', null],
		['an open round chosen by hand', { ...closed, state: 'open', closedAt: null } as SourceRound, 5, 3, '2026 Q3 · still open', null]
	])('%s', (_, round, respondents, threshold, label, thin) => {
		// A rating ages from the day its round closed; an open round's has not started to.
		const closedAt = round.state === 'closed' ? new Date(round.closedAt!).toISOString() : null;
		expect(ratingSource(round, respondents, threshold, NOW)).toEqual({
			roundId: 7,
			roundName: '2026 Q3',
			label,
			respondents,
			closedAt,
			thin
		});
	});
});

describe('sourceRounds', () => {
	it('counts technologies per round, newest round first', () => {
		const a = ratingSource({ id: 1, name: 'A', state: 'closed', closedAt: '2026-01-01' }, 4, 3, NOW);
		const b = ratingSource({ id: 2, name: 'B', state: 'closed', closedAt: '2026-10-01' }, 1, 3, NOW);
		expect(sourceRounds([a, b, a], [2, 1])).toEqual([
			{ roundId: 2, label: 'B · 6 weeks ago', technologies: 1 },
			{ roundId: 1, label: 'A · 10 months ago', technologies: 2 }
		]);
	});
});
