import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { ResponseWriteSchema } from '#lib/server/api/write-schemas.ts';
import { endpoint, readJson, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { submitResponse } from '#lib/server/queries/responses.ts';
import { answersOf, ownAssessment, refuseOutcome, responseAnswer } from '#lib/server/api/responses.ts';

/** Saves the answers sent and submits, once every vector is answered (else 422, with what was sent kept as a draft). */
export const POST = endpoint('score', async ({ url, params, request }, user) => {
	parseQuery(z.object({}).strict(), url);
	const assessment = await ownAssessment(params, user.id);
	const body = await readJson(request, ResponseWriteSchema);
	const { answers, vectorKeys } = await answersOf(body, assessment.round.frameworkVersionId);
	refuseOutcome(await submitResponse(assessment.key, { expectedVersion: body.version, answers, vectorKeys }));
	return responseAnswer(assessment);
});

export const fallback = methodNotAllowed(['POST']);
