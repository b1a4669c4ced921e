import { json } from '@sveltejs/kit';
import { requireCapability } from '$lib/server/auth/policy';
import { measureExport } from '$lib/server/metrics';
import { backstageRadarJson } from '$lib/server/views/tech-radar';
import type { RequestHandler } from './$types';

/** The radar with its history, as Backstage's tech-radar plugin reads it. */
export const GET: RequestHandler = (event) =>
	measureExport('portfolio/radar-backstage.json', async () => {
		requireCapability(event, 'read');
		return json(await backstageRadarJson(), {
			headers: { 'content-disposition': 'attachment; filename="opsmaturity-backstage-radar.json"', 'cache-control': 'no-store' }
		});
	});
