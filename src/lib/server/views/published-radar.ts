import { openPublishedRadar } from '../queries/published-radar';
import { radarFor } from './tech-radar';

/**
 * A file of the published radar: the same radar, chosen as the radar page chooses its round, in
 * the same layout as the signed-in download. Build Your Own Radar fetches it from its own page in
 * the reader's browser, without cookies, so any origin may read it. It is the same for everyone
 * and changes when a round closes: caches may keep it five minutes, which is also how long a
 * revoked address may still be answered from a cache.
 */
export async function publishedRadarFile(secret: string, render: (radar: Awaited<ReturnType<typeof radarFor>>) => Response) {
	if (!(await openPublishedRadar(secret)))
		return new Response('There is no published radar at this address, or it was revoked.', {
			status: 404,
			headers: { 'access-control-allow-origin': '*', 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
		});
	const response = render(await radarFor(null));
	response.headers.set('access-control-allow-origin', '*');
	response.headers.set('cache-control', 'public, max-age=300');
	// The address is a secret shared with a tool, not a page to list in search results.
	response.headers.set('x-robots-tag', 'noindex');
	return response;
}
