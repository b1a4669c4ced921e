import { error, type RequestEvent } from '@sveltejs/kit';
import { can, requireCapability } from '../auth/policy';
import { signedInRole } from '../auth/session';
import { calibrationPair } from '../queries/calibration';
import { isAssigned } from '../queries/responses';

const REFUSALS: Record<string, string> = {
	'round-not-open': 'The round is not open: calibration happens while answers can still change.',
	'no-disagreement':
		'Nothing to calibrate: the respondents agree on every vector (no spread of two levels or more), and no median is two levels from its facts.',
	'already-running': 'A session is already running for this technology; it is shown below.',
	'no-session': 'That session has ended; this page now shows where things are.',
	stale: 'Another lead moved the session on meanwhile; this page now shows where it is.',
	'not-voting': 'The votes on this vector are already revealed.',
	'not-revealed': 'Reveal the votes first.',
	'moved-on': 'The session has moved on to another vector; vote on the one shown now.',
	'not-participant': 'Only respondents who submitted their answers for this technology vote.',
	'too-few-votes': 'Too few votes to reveal: wait for more, so that no single vote can be told apart.'
};

export const refusalMessage = (refusal: string) => REFUSALS[refusal] ?? 'That step could not be taken; reload the page.';

/**
 * Who may open a technology's calibration: leads (they run it) and the people asked to score the
 * technology in the round (they take part). Everyone else gets 403, as for someone else's assessment.
 */
export async function calibrationAccess(event: Pick<RequestEvent, 'locals' | 'url' | 'params'>) {
	const user = requireCapability(event, 'score');
	const roundId = Number(event.params.id);
	const pair = await calibrationPair(roundId, String(event.params.slug));
	if (!pair) error(404, 'Not found');
	const lead = can(user, 'manageRounds');
	if (!lead) {
		const asked = await isAssigned({ roundId, technologyId: pair.technology.id, userId: user.id });
		if (!asked) error(403, 'Only leads and the people asked to score this technology take part in its calibration.');
	}
	return { user, pair, lead };
}

/**
 * Whether the holder of a calibration stream may still follow it, by the same rule as
 * `calibrationAccess`: still signed in with that session, still allowed to score, and a lead or
 * still asked to score the technology. Asked again by the stream before every event it sends.
 */
export async function stillTakesPart(holder: { userId: number; sessionId: string | null }, roundId: number, technologyId: number) {
	const role = await signedInRole(holder.userId, holder.sessionId);
	if (!role || !can({ role }, 'score')) return false;
	return can({ role }, 'manageRounds') || isAssigned({ roundId, technologyId, userId: holder.userId });
}
