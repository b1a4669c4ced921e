import { calibrationTopic } from '#lib/server/queries/calibration.ts';
import { changeStream } from '#lib/server/http/event-stream.ts';
import { calibrationAccess, stillTakesPart } from '#lib/server/views/calibration.ts';
import type { RequestHandler } from './$types';

/**
 * Live updates of a calibration session: an event per change, from whichever instance made it,
 * for as long as the person may still see it (signed in, still asked to take part).
 */
export const GET: RequestHandler = async (event) => {
	const { user, pair } = await calibrationAccess(event);
	const holder = { userId: user.id, sessionId: event.locals.session?.id ?? null };
	return changeStream(calibrationTopic(pair.round.id, pair.technology.id), {
		personId: user.id,
		stillAllowed: () => stillTakesPart(holder, pair.round.id, pair.technology.id)
	});
};
