import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, json, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { openAssignments } from '#lib/server/queries/my-assessments.ts';

export const GET = endpoint('read', async ({ url }, user) => {
	parseQuery(z.object({}).strict(), url);
	return json({ items: await openAssignments(user.id) });
});

export const fallback = methodNotAllowed(['GET']);
