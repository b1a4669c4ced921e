import { calibrationTopic } from '$lib/server/queries/calibration';
import { changeStream } from '$lib/server/http/event-stream';
import { calibrationAccess } from '$lib/server/views/calibration';
import type { RequestHandler } from './$types';

/** Live updates of a calibration session: an event per change, from whichever instance made it. */
export const GET: RequestHandler = async (event) => {
	const { pair } = await calibrationAccess(event);
	return changeStream(calibrationTopic(pair.round.id, pair.technology.id));
};
