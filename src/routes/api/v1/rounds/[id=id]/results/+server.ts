import { z } from 'zod';
import { parseQuery } from '$lib/server/forms/api';
import { endpoint, json, Problem, methodNotAllowed } from '$lib/server/http/api';
import { roundResultsForApi } from '$lib/server/views/api-results';

/** Every technology's stored result in a round: rating, level, coverage and each vector's statistics; no names of respondents. */
export const GET = endpoint('read', async ({ params, url }) => {
	parseQuery(z.object({}).strict(), url);
	const results = await roundResultsForApi(Number(params.id));
	if (!results) throw new Problem(404, 'Not Found', `No round has the id ${params.id}.`);
	return json(results);
});

export const fallback = methodNotAllowed(['GET']);
