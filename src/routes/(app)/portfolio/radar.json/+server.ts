import { json } from '@sveltejs/kit';
import { requireCapability } from '$lib/server/auth/policy';
import { requestedRound } from '$lib/server/forms';
import { radarFor } from '$lib/server/views/tech-radar';
import { measureExport } from '$lib/server/metrics';
import type { RequestHandler } from './$types';

/** The same rows as the CSV, as the JSON array Build Your Own Radar also reads. */
export const GET: RequestHandler = (event) => measureExport('portfolio/radar.json', () => radarJson(event));

async function radarJson(event: Parameters<RequestHandler>[0]) {
	requireCapability(event, 'read');
	const radar = await radarFor(requestedRound(event.url));
	return json(radar.byor, {
		headers: { 'content-disposition': `attachment; filename="opsmaturity-radar.json"`, 'cache-control': 'no-store' }
	});
}
