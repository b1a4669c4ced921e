import { requireCapability } from '$lib/server/auth/policy';
import { requestedRound } from '$lib/server/forms';
import { byorCsv } from '$lib/server/export/byor';
import { radarFor } from '$lib/server/views/tech-radar';
import { measureExport } from '$lib/server/metrics';
import type { RequestHandler } from './$types';

/** The estate in ThoughtWorks' Build Your Own Radar CSV layout. */
export const GET: RequestHandler = (event) =>
	measureExport('portfolio/radar.csv', async () => {
		requireCapability(event, 'read');
		return byorCsv(await radarFor(requestedRound(event.url)));
	});
