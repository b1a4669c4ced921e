import { createDocument } from 'zod-openapi';
import {
	AssignmentListSchema,
	IdParams,
	ProblemSchema,
	RoundListSchema,
	RoundResultsSchema,
	SlugParams,
	TeamListSchema,
	TechnologyListQuery,
	TechnologyPageSchema,
	TechnologySchema
} from '$lib/server/forms/api';
import { RATE_PER_MINUTE } from './api';

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });
const refusals = {
	'400': problem('A parameter was refused; `errors` names it.'),
	'401': problem('No token, or one that is unknown, revoked or expired.'),
	'403': problem("The token's scope, or its owner's role, does not allow this."),
	'429': problem(`More than ${RATE_PER_MINUTE} requests in a minute by this person on one server.`)
};

let built: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document of /api/v1, generated (once) from the schemas that validate its requests. */
export function openApiDocument() {
	return (built ??= createDocument({
		openapi: '3.1.0',
		info: {
			title: 'Opsmaturity API',
			version: '1',
			description:
				'Read and automate maturity assessments. Authenticate with a personal access token from /account/tokens: `Authorization: Bearer opsm_…`. A token acts as its owner, within its scope (read, write or admin). Errors are RFC 9457 problem details.'
		},
		// Relative: a forged Host header cannot point clients, and their tokens, elsewhere.
		servers: [{ url: '/api/v1' }],
		security: [{ bearer: [] }],
		components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A personal access token (opsm_…).' } } },
		paths: {
			'/technologies': {
				get: {
					operationId: 'listTechnologies',
					summary: 'List technologies, filtered, a page at a time',
					requestParams: { query: TechnologyListQuery },
					responses: {
						'200': { description: 'One page of the catalog.', content: { 'application/json': { schema: TechnologyPageSchema } } },
						...refusals
					}
				}
			},
			'/technologies/{slug}': {
				get: {
					operationId: 'getTechnology',
					summary: 'Get one technology',
					requestParams: { path: SlugParams },
					responses: {
						'200': {
							description: 'The technology; its ETag is its version.',
							headers: { ETag: { description: 'The version, quoted.', schema: { type: 'string' } } },
							content: { 'application/json': { schema: TechnologySchema } }
						},
						'304': { description: 'Not changed since the ETag sent in If-None-Match.' },
						'404': problem('No technology has this slug.'),
						...refusals
					}
				}
			},
			'/rounds': {
				get: {
					operationId: 'listRounds',
					summary: 'List rounds, newest first, with their progress',
					responses: { '200': { description: 'Every round.', content: { 'application/json': { schema: RoundListSchema } } }, ...refusals }
				}
			},
			'/rounds/{id}/results': {
				get: {
					operationId: 'getRoundResults',
					summary: "A round's results: each technology's rating, level, coverage and vector statistics",
					requestParams: { path: IdParams },
					responses: {
						'200': {
							description: 'The results; provisional until the round closes.',
							content: { 'application/json': { schema: RoundResultsSchema } }
						},
						'404': problem('No round has this id.'),
						...refusals
					}
				}
			},
			'/me/assignments': {
				get: {
					operationId: 'listMyAssignments',
					summary: "The token owner's assessments in open rounds, most urgent first",
					responses: {
						'200': { description: 'Every open assessment of yours.', content: { 'application/json': { schema: AssignmentListSchema } } },
						...refusals
					}
				}
			},
			'/teams': {
				get: {
					operationId: 'listTeams',
					summary: 'List teams with their member and technology counts',
					responses: { '200': { description: 'Every team.', content: { 'application/json': { schema: TeamListSchema } } }, ...refusals }
				}
			}
		}
	}));
}
