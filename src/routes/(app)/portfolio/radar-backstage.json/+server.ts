import { requireCapability } from '#lib/server/auth/policy.ts';
import { measureExport } from '#lib/server/metrics.ts';
import { backstageRadarJson } from '#lib/server/views/tech-radar.ts';
import type { RequestHandler } from './$types';

/** The radar with its history, as Backstage's tech-radar plugin reads it. */
export const GET: RequestHandler = (event) =>
	measureExport('portfolio/radar-backstage.json', async () => {
		requireCapability(event, 'read');
		return Response.json(await backstageRadarJson(), {
			headers: { 'content-disposition': 'attachment; filename="opsmaturity-backstage-radar.json"', 'cache-control': 'no-store' }
		});
	});
