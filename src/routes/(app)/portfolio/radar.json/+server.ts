import { json } from '@sveltejs/kit';
import { requireCapability } from '$lib/server/auth/policy';
import { radarFor } from '$lib/server/views/tech-radar';
import type { RequestHandler } from './$types';

/** The same rows as the CSV, as the JSON array Build Your Own Radar also reads. */
export const GET: RequestHandler = async (event) => {
	requireCapability(event, 'read');
	const radar = await radarFor(Number(event.url.searchParams.get('round')) || null);
	return json(radar.byor, {
		headers: { 'content-disposition': `attachment; filename="opsmaturity-radar.json"`, 'cache-control': 'no-store' }
	});
};
