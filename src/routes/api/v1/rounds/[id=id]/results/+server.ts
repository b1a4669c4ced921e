import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { can } from '#lib/server/auth/policy.ts';
import { endpoint, json, Problem, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { getAnonymity } from '#lib/server/queries/settings.ts';
import { roundResultsForApi } from '#lib/server/api/results.ts';

/**
 * Every technology's stored result in a round: rating, level, coverage and each vector's statistics;
 * no names of respondents, and no vector figures below the anonymity threshold for those who may not see names.
 */
export const GET = endpoint('read', async ({ params, url }, user) => {
	parseQuery(z.object({}).strict(), url);
	const { threshold } = await getAnonymity();
	const results = await roundResultsForApi(Number(params.id), { seesNames: can(user, 'seeRespondents'), threshold });
	if (!results) throw new Problem(404, 'Not Found', `No round has the id ${params.id}.`);
	return json(results);
});

export const fallback = methodNotAllowed(['GET']);
