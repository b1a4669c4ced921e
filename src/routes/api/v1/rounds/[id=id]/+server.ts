import { z } from 'zod';
import { parseQuery } from '#lib/server/forms/api.ts';
import { endpoint, methodNotAllowed } from '#lib/server/http/api.ts';
import { roundOfPath, roundResponse } from '#lib/server/views/api-rounds.ts';

export const GET = endpoint('read', async ({ url, params }) => {
	parseQuery(z.object({}).strict(), url);
	return roundResponse(await roundOfPath(params));
});

export const fallback = methodNotAllowed(['GET']);
