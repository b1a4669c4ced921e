import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { roundOfPath, roundResponse } from '#lib/server/api/rounds.ts';

export const GET = endpoint('read', async ({ url, params }) => {
	parseQuery(z.object({}).strict(), url);
	return roundResponse(await roundOfPath(params));
});

export const fallback = methodNotAllowed(['GET']);
