import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, json, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { listTeams } from '#lib/server/queries/teams.ts';

export const GET = endpoint('read', async ({ url }) => {
	parseQuery(z.object({}).strict(), url);
	return json({ items: await listTeams() });
});

export const fallback = methodNotAllowed(['GET']);
