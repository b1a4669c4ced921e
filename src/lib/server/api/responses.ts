import type { z } from 'zod';
import { isSlug } from '#lib/domain/catalog.ts';
import { parseId } from '#lib/server/forms/index.ts';
import type { ResponseWriteSchema } from '#lib/server/api/write-schemas.ts';
import { toAnswer } from '#lib/server/api/write-schemas.ts';
import { json, Problem } from '#lib/server/api/endpoint.ts';
import { getFramework } from '#lib/server/queries/framework.ts';
import { getResponse, isAssigned, type SaveOutcome } from '#lib/server/queries/responses.ts';
import { roundAndTechnology } from '#lib/server/queries/rounds.ts';

/** The token owner's own assessment named by the path; the same 404/403 as the scoring page. */
export async function ownAssessment(params: Partial<Record<string, string>>, userId: number) {
	const roundId = parseId(params.id);
	const found = roundId && isSlug(params.slug ?? '') ? await roundAndTechnology(roundId, params.slug!) : undefined;
	if (!found) throw new Problem(404, 'Not Found', 'No such assessment: check the round id and the technology slug.');
	const key = { roundId: found.round.id, technologyId: found.technology.id, userId };
	if (!(await isAssigned(key)))
		throw new Problem(403, 'Forbidden', `You are not asked to score ${found.technology.name} in ${found.round.name}.`);
	return { ...found, key };
}

export async function responseOut(assessment: Awaited<ReturnType<typeof ownAssessment>>) {
	const response = await getResponse(assessment.key);
	return {
		round: { id: assessment.round.id, name: assessment.round.name, state: assessment.round.state },
		technology: assessment.technology.slug,
		state: response.state,
		version: response.version,
		answers: response.answers
	};
}

/** The response as JSON, its version as ETag. */
export async function responseAnswer(assessment: Awaited<ReturnType<typeof ownAssessment>>) {
	const out = await responseOut(assessment);
	return json(out, { headers: { etag: `"${out.version}"` } });
}

/** The answers of a body, refused by vector when the round's framework has no such vector. */
export async function answersOf(body: z.output<typeof ResponseWriteSchema>, frameworkVersionId: number) {
	const vectorKeys = (await getFramework(frameworkVersionId)).vectors.map((v) => v.key);
	const unknown = Object.keys(body.answers).filter((k) => !vectorKeys.includes(k));
	if (unknown.length)
		throw new Problem(400, 'Bad Request', `This round's framework has no vector ${unknown.join(', ')}.`, {
			errors: unknown.map((k) => ({ field: `answers.${k}`, message: 'not a vector of this framework' }))
		});
	return { vectorKeys, answers: Object.fromEntries(Object.entries(body.answers).map(([k, a]) => [k, toAnswer(a)])) };
}

/** A save or submit that did not land, as the form would say it. */
export function refuseOutcome(outcome: SaveOutcome | { status: 'no-technology' }) {
	switch (outcome.status) {
		case 'saved':
			return;
		case 'stale':
			throw new Problem(
				409,
				'Conflict',
				`These answers changed since version you sent; they are at version ${outcome.version}. Nothing was overwritten.`,
				{
					version: outcome.version
				}
			);
		case 'incomplete':
			throw new Problem(
				422,
				'Unprocessable Content',
				`Answer every vector before submitting (${outcome.missing.length} left). The answers sent are saved as a draft.`,
				{
					version: outcome.version,
					errors: outcome.missing.map((k) => ({ field: `answers.${k}`, message: 'not answered' }))
				}
			);
		case 'round-not-open':
			throw new Problem(409, 'Conflict', 'This round is not open, so answers cannot change.');
		case 'submitted':
			throw new Problem(409, 'Conflict', 'These answers are submitted. Reopen them on the scoring page to change them.');
		default:
			throw new Problem(403, 'Forbidden', 'You are not asked to score this technology in this round.');
	}
}
