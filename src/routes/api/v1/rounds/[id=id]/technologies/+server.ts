import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { RoundScopeSchema } from '#lib/server/api/write-schemas.ts';
import { endpoint, readJson, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { getRoundWithProgress } from '#lib/server/queries/rounds.ts';
import { addTechnologies } from '#lib/server/queries/round-scope.ts';
import { refuseRoundChange, roundOfPath, roundResponse, technologyIds } from '#lib/server/api/rounds.ts';

/** Adds technologies to a draft or open round; each owning team's scorers are asked. Adding one twice changes nothing. */
export const POST = endpoint('manageRounds', async ({ url, params, request }, user) => {
	parseQuery(z.object({}).strict(), url);
	const round = await roundOfPath(params);
	const body = await readJson(request, RoundScopeSchema);
	refuseRoundChange(await addTechnologies(user.id, round.id, await technologyIds(body.technologies, 'technologies')));
	return roundResponse((await getRoundWithProgress(round.id))!);
});

export const fallback = methodNotAllowed(['POST']);
