import { requireCapability } from '#lib/server/auth/policy.ts';
import { requestedRound } from '#lib/server/forms/index.ts';
import { byorJson } from '#lib/server/export/byor.ts';
import { radarFor } from '#lib/server/views/tech-radar.ts';
import { measureExport } from '#lib/server/metrics.ts';
import type { RequestHandler } from './$types';

/** The same rows as the CSV, as the JSON array Build Your Own Radar also reads. */
export const GET: RequestHandler = (event) =>
	measureExport('portfolio/radar.json', async () => {
		requireCapability(event, 'read');
		return byorJson(await radarFor(requestedRound(event.url)));
	});
