import { describe, expect, it } from 'vitest';
import { openedMessage } from './opening';

describe('openedMessage', () => {
	it.each([
		[{ emailed: 14, held: 0, optedOut: 0 }, 'Round opened. An email to 14 people is on its way.'],
		[
			{ emailed: 1, held: 0, optedOut: 2 },
			'Round opened. An email to 1 person is on its way. 2 people asked to score turned these emails off and were not emailed.'
		],
		[
			{ emailed: 0, held: 3, optedOut: 0 },
			'Round opened. No mail server is set up, so the messages to 3 people are waiting in the outbox instead of being sent.'
		],
		[
			{ emailed: 0, held: 0, optedOut: 1 },
			'Round opened. Nobody was emailed. 1 person asked to score turned these emails off and was not emailed.'
		],
		[{ emailed: 0, held: 0, optedOut: 0 }, 'Round opened. Nobody was emailed.']
	])('%j → %s', (opened, message) => {
		expect(openedMessage(opened)).toBe(message);
	});
});
