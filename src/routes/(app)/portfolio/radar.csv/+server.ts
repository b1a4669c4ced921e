import { requireCapability } from '#lib/server/auth/policy.ts';
import { requestedRound } from '#lib/server/forms/index.ts';
import { byorCsv } from '#lib/server/export/byor.ts';
import { radarFor } from '#lib/server/views/tech-radar.ts';
import { measureExport } from '#lib/server/metrics.ts';
import type { RequestHandler } from './$types';

/** The estate in ThoughtWorks' Build Your Own Radar CSV layout. */
export const GET: RequestHandler = (event) =>
	measureExport('portfolio/radar.csv', async () => {
		requireCapability(event, 'read');
		return byorCsv(await radarFor(requestedRound(event.url)));
	});
