/**
 * Which round a results page shows, and which round it is measured against. Results pages open
 * on the newest closed round: an open round is provisional and may hold one answer out of fifty.
 * An open round is still shown when asked for by id, or when no round has closed yet.
 */
export type ChoosableRound = { id: number; state: 'draft' | 'open' | 'closed'; rated: number };

export type RoundChoice<R> = { round: R | undefined; previous: R | undefined; provisional: boolean };

/** `rounds` newest first; `wanted` is the id a visitor asked for (ignored when not a listed round). */
export function chooseResultsRound<R extends ChoosableRound>(rounds: R[], wanted?: number | null): RoundChoice<R> {
	const visible = rounds.filter((r) => r.state !== 'draft');
	const round =
		visible.find((r) => r.id === wanted) ??
		visible.find((r) => r.state === 'closed' && r.rated > 0) ??
		visible.find((r) => r.state === 'closed') ??
		visible.find((r) => r.rated > 0) ??
		visible[0];
	return { round, previous: round && previousClosedRound(rounds, round.id), provisional: round?.state === 'open' };
}

/**
 * The round a visitor picked on a portfolio view, when it is one that can be shown. None picked
 * means each technology's latest closed rating, whichever round it comes from.
 */
export const pickedRound = <R extends Pick<ChoosableRound, 'id' | 'state'>>(rounds: R[], wanted: number | null) =>
	rounds.find((r) => r.state !== 'draft' && r.id === wanted);

/** What a round picker offers first: no single round. */
export const LATEST_PER_TECHNOLOGY = 'Latest per technology';

/** The newest closed round with ratings before the given one (`rounds` newest first): what it is measured against. */
export function previousClosedRound<R extends ChoosableRound>(rounds: readonly R[], roundId: number): R | undefined {
	const at = rounds.findIndex((r) => r.id === roundId);
	return at < 0 ? undefined : rounds.slice(at + 1).find((r) => r.state === 'closed' && r.rated > 0);
}

/** The choices of a round picker: an open round is marked provisional wherever it can be chosen. */
export const roundOptions = (rounds: { id: number; name: string; state: string }[]) =>
	rounds.map((r) => ({ value: r.id, label: r.state === 'open' ? `${r.name} (open, provisional)` : r.name }));

/**
 * What a results page says about the round it shows: its name and, while it is still open, that
 * its figures are provisional and how far answering has got.
 */
export function roundStatus(r: {
	id: number;
	name: string;
	state: 'draft' | 'open' | 'closed';
	technologies: number;
	rated: number;
	assigned: number;
	submitted: number;
}) {
	return {
		id: r.id,
		name: r.name,
		state: r.state,
		provisional: r.state === 'open',
		coverage: { technologies: r.technologies, rated: r.rated, assigned: r.assigned, submitted: r.submitted }
	};
}
export type RoundStatus = ReturnType<typeof roundStatus>;
