import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, json, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { backstageRadarJson } from '#lib/server/views/tech-radar.ts';

/** The radar as Backstage's tech-radar plugin loads it (TechRadarLoaderResponse). */
export const GET = endpoint('read', async ({ url }) => {
	parseQuery(z.object({}).strict(), url);
	return json(await backstageRadarJson());
});

export const fallback = methodNotAllowed(['GET']);
