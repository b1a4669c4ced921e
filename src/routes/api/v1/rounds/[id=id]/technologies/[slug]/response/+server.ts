import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { ResponseWriteSchema } from '#lib/server/api/write-schemas.ts';
import { endpoint, readJson, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { saveDraft } from '#lib/server/queries/draft-save.ts';
import { answersOf, ownAssessment, refuseOutcome, responseAnswer } from '#lib/server/api/responses.ts';

const noQuery = z.object({}).strict();

/** The token owner's answers for this technology in this round. */
export const GET = endpoint('read', async ({ url, params }, user) => {
	parseQuery(noQuery, url);
	return responseAnswer(await ownAssessment(params, user.id));
});

/** Saves answers as a draft, with the same rules as the scoring form: the version sent must be the latest (else 409). */
export const PUT = endpoint('score', async ({ url, params, request }, user) => {
	parseQuery(noQuery, url);
	const assessment = await ownAssessment(params, user.id);
	const body = await readJson(request, ResponseWriteSchema);
	const { answers } = await answersOf(body, assessment.round.frameworkVersionId);
	refuseOutcome(
		await saveDraft({ roundId: assessment.round.id, slug: assessment.technology.slug, userId: user.id }, body.version, answers)
	);
	return responseAnswer(assessment);
});

export const fallback = methodNotAllowed(['GET', 'PUT']);
