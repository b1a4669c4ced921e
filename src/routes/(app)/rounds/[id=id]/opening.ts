import { plural } from '#lib/domain/format.ts';

/** "1 person", "14 people". */
export const people = (n: number) => plural(n, 'person', 'people');

export type Opened = { emailed: number; held: number; optedOut: number };

/** What a lead reads once a round is open: who is being emailed, counted from what the opening put in the outbox. */
export function openedMessage({ emailed, held, optedOut }: Opened): string {
	// The opening queues the messages; the outbox sends them moments later (and retries), so "on its way" is what is true now.
	const sent = emailed ? `An email to ${people(emailed)} is on its way.` : held ? '' : 'Nobody was emailed.';
	const waiting = held
		? `No mail server is set up, so the messages to ${people(held)} are waiting in the outbox instead of being sent.`
		: '';
	const skipped = optedOut
		? `${people(optedOut)} asked to score turned these emails off and ${optedOut === 1 ? 'was' : 'were'} not emailed.`
		: '';
	return ['Round opened.', sent, waiting, skipped].filter(Boolean).join(' ');
}
