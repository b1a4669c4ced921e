import { z } from 'zod';
import type { ZodOpenApiOperationObject } from 'zod-openapi';
import { ProblemSchema } from '#lib/server/api/parse.ts';
import { MAX_BODY_BYTES, RATE_PER_MINUTE } from '#lib/server/api/endpoint.ts';

/**
 * The words the OpenAPI document (openapi.ts) describes operations with: answers, request bodies,
 * and the refusals every operation, every body and every conditional write can meet.
 */
export type Responses = ZodOpenApiOperationObject['responses'];

export const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const etag = { ETag: { description: 'Send it back in If-Match to change this resource.', schema: { type: 'string' as const } } };
export const answer = (description: string, schema: z.ZodType, tagged = false) => ({
	description,
	...(tagged ? { headers: etag } : {}),
	content: { 'application/json': { schema } }
});
export const body = (schema: z.ZodType) => ({ requestBody: { required: true, content: { 'application/json': { schema } } } });

const refusals: Responses = {
	'400': problem('A parameter or field was refused; `errors` names it.'),
	'401': problem('No token, or one that is unknown, revoked or expired.'),
	'403': problem("The token's scope, or its owner's role, does not allow this."),
	'429': problem(`More than ${RATE_PER_MINUTE} requests in a minute by this person on one server.`)
};
export const bodyRefusals: Responses = {
	'413': problem(`The body is larger than ${MAX_BODY_BYTES.toLocaleString('en')} bytes.`),
	'415': problem('The body is not sent as application/json.')
};
export const conditional: Responses = {
	'412': problem('The If-Match ETag is not the current one: someone changed it since. Read it again.'),
	'428': problem('If-Match is missing: send the ETag you read.')
};
export const IfMatch = z.object({ 'if-match': z.string().meta({ description: 'The ETag you read.' }) });
export const missing = (what: string) => ({ '404': problem(`No ${what} here.`) });
export const conflict = (why: string) => ({ '409': problem(why) });

/** An operation with its parameters, and the refusals every operation can meet. */
export function operation(
	operationId: string,
	summary: string,
	responses: Responses,
	params: { path?: z.ZodObject; query?: z.ZodObject; header?: z.ZodObject } = {},
	extra: Partial<ZodOpenApiOperationObject> = {}
): ZodOpenApiOperationObject {
	return {
		operationId,
		summary,
		...(Object.keys(params).length ? { requestParams: params } : {}),
		...extra,
		responses: { ...responses, ...refusals }
	};
}
