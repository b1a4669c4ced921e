import { z } from 'zod';
import { createDocument } from 'zod-openapi';
import {
	AssignmentListSchema,
	IdParams,
	RoundListSchema,
	RoundResultsSchema,
	RoundSchema,
	SlugParams,
	TeamListSchema,
	TechnologyListQuery,
	TechnologyPageSchema,
	TechnologySchema
} from '#lib/server/api/parse.ts';
import {
	BacklogItemSchema,
	BacklogPageSchema,
	BacklogPatchSchema,
	BacklogQuery,
	BulkResultSchema,
	ResponseSchema,
	ResponseWriteSchema,
	RoundCreateSchema,
	RoundScopeSchema,
	TechnologyBulkSchema,
	TechnologyCreateSchema,
	TechnologyPatchSchema
} from '#lib/server/api/write-schemas.ts';
import { BackstageRadarSchema } from '#lib/server/api/backstage-schema.ts';
import {
	AlertCountSchema,
	AlertmanagerSchema,
	SignalHistorySchema,
	SignalParams,
	SignalSchema,
	SignalWriteSchema
} from '#lib/server/api/signal-schemas.ts';
import { EndOfLifeFile } from '#lib/domain/endoflife.ts';
import { REPORT_FILES } from '#lib/server/export/round-download.ts';
import { answer, body, bodyRefusals, conditional, conflict, IfMatch, missing, operation, problem } from '#lib/server/api/openapi-parts.ts';

const ResponseParams = z.object({ id: IdParams.shape.id, slug: SlugParams.shape.slug });
const FileParams = z.object({ id: IdParams.shape.id, file: z.enum(REPORT_FILES) });
const FileQuery = z.object({ team: IdParams.shape.id.optional().meta({ description: 'Narrow the report to one team (its id).' }) });
const file = (type: string) => ({ [type]: { schema: { type: 'string' as const, format: 'binary' } } });
const round = (description: string) => answer(description, RoundSchema, true);

let built: ReturnType<typeof createDocument> | undefined;

/** The OpenAPI 3.1 document of /api/v1, generated (once) from the schemas that validate its requests. */
export function openApiDocument() {
	return (built ??= createDocument({
		openapi: '3.1.0',
		info: {
			title: 'Opsmaturity API',
			version: '1',
			description:
				'Read and automate maturity assessments. Authenticate with a personal access token from /account/tokens: `Authorization: Bearer opsm_…`. A token acts as its owner, within its scope (read, write or admin), with the same rules as the pages. Errors are RFC 9457 problem details. Writes take JSON; changes to technologies and backlog items need the ETag you read, in If-Match.'
		},
		// Relative: a forged Host header cannot point clients, and their tokens, elsewhere.
		servers: [{ url: '/api/v1' }],
		security: [{ bearer: [] }],
		components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A personal access token (opsm_…).' } } },
		paths: {
			'/technologies': {
				get: operation(
					'listTechnologies',
					'List technologies, filtered, a page at a time',
					{ '200': answer('One page of the catalog.', TechnologyPageSchema) },
					{ query: TechnologyListQuery }
				),
				post: operation(
					'createTechnology',
					'Create a technology',
					{
						'201': answer('Created; Location says where.', TechnologySchema, true),
						...conflict('Another technology has this slug.'),
						...bodyRefusals
					},
					{},
					body(TechnologyCreateSchema)
				),
				patch: operation(
					'upsertTechnologies',
					'Create or update technologies by slug, all or nothing',
					{ '200': answer('What happened to each slug.', BulkResultSchema), ...bodyRefusals },
					{},
					body(TechnologyBulkSchema)
				)
			},
			'/technologies/{slug}': {
				get: operation(
					'getTechnology',
					'Get one technology',
					{
						'200': answer('The technology.', TechnologySchema, true),
						'304': { description: 'Not changed since the ETag sent in If-None-Match.' },
						...missing('technology has this slug')
					},
					{ path: SlugParams }
				),
				patch: operation(
					'updateTechnology',
					'Change some fields of a technology (If-Match)',
					{
						'200': answer('The technology as it is now.', TechnologySchema, true),
						...missing('technology has this slug'),
						...conflict('The new slug is taken.'),
						...conditional,
						...bodyRefusals
					},
					{ path: SlugParams, header: IfMatch },
					body(TechnologyPatchSchema)
				)
			},
			'/technologies/{slug}/signals/{kind}': {
				get: operation(
					'listSignals',
					'A technology’s observations of one kind of fact, newest first',
					{ '200': answer('The history.', SignalHistorySchema), ...missing('technology or signal kind has this address') },
					{ path: SignalParams }
				),
				put: operation(
					'putSignal',
					'Record one observation of a fact about a technology',
					{
						'200': answer('Already recorded as sent: nothing changed, or the observation at that time was replaced.', SignalSchema),
						'201': answer('Added to the history.', SignalSchema),
						...missing('technology or signal kind has this address'),
						...bodyRefusals
					},
					{ path: SignalParams },
					body(SignalWriteSchema)
				)
			},
			'/technologies/{slug}/end-of-life': {
				put: operation(
					'putEndOfLife',
					'Record the end of life of the running version from a product’s release cycles (endoflife.date’s shape)',
					{
						'200': answer('The end-of-life fact, already recorded as sent.', SignalSchema),
						'201': answer('The end-of-life fact, added to the history.', SignalSchema),
						'422': problem('The technology has no running version, or no cycle matches it.'),
						...missing('technology has this slug'),
						...bodyRefusals
					},
					{ path: SlugParams },
					body(EndOfLifeFile)
				)
			},
			'/signals/alertmanager': {
				post: operation(
					'alertmanagerWebhook',
					'Alertmanager’s webhook receiver: counts firing alerts per technology by the label an admin chose',
					{ '200': answer('The firing count of each technology the notification named.', AlertCountSchema), ...bodyRefusals },
					{},
					body(AlertmanagerSchema)
				)
			},
			'/teams': {
				get: operation('listTeams', 'List teams with their member and technology counts', { '200': answer('Every team.', TeamListSchema) })
			},
			'/rounds': {
				get: operation('listRounds', 'List rounds, newest first, with their progress', { '200': answer('Every round.', RoundListSchema) }),
				post: operation(
					'createRound',
					'Create a draft round, pinned to the newest framework version',
					{ '201': round('Created; Location says where.'), ...conflict('A round has this name.'), ...bodyRefusals },
					{},
					body(RoundCreateSchema)
				)
			},
			'/rounds/{id}': {
				get: operation(
					'getRound',
					'Get one round with its progress',
					{ '200': round('The round.'), ...missing('round has this id') },
					{ path: IdParams }
				)
			},
			'/rounds/{id}/technologies': {
				post: operation(
					'addRoundTechnologies',
					"Add technologies to a draft or open round; each owning team's scorers are asked",
					{
						'200': round('The round, with its new scope.'),
						...missing('round has this id'),
						...conflict('The round is closed.'),
						...bodyRefusals
					},
					{ path: IdParams },
					body(RoundScopeSchema)
				)
			},
			'/rounds/{id}/open': {
				post: operation(
					'openRound',
					'Open a draft round: its respondents are asked by email',
					{ '200': round('The round, open.'), ...missing('round has this id'), ...conflict('Not a draft, or nothing in scope.') },
					{ path: IdParams }
				)
			},
			'/rounds/{id}/close': {
				post: operation(
					'closeRound',
					'Close an open round: results settle and the backlog follows',
					{ '200': round('The round, closed.'), ...missing('round has this id'), ...conflict('The round is not open.') },
					{ path: IdParams }
				)
			},
			'/rounds/{id}/results': {
				get: operation(
					'getRoundResults',
					"A round's results: each technology's rating, level, coverage and vector statistics",
					{ '200': answer('The results; provisional until the round closes.', RoundResultsSchema), ...missing('round has this id') },
					{ path: IdParams }
				)
			},
			'/rounds/{id}/files/{file}': {
				get: operation(
					'getReportFile',
					"A round's report file: the PDF for everyone, the data files for leads and admins",
					{
						'200': {
							description: 'The file, as an attachment.',
							content: {
								...file('application/pdf'),
								...file('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
								...file('text/csv'),
								'application/json': { schema: { type: 'object' } }
							}
						},
						...missing('round has this id')
					},
					{ path: FileParams, query: FileQuery }
				)
			},
			'/rounds/{id}/technologies/{slug}/response': {
				get: operation(
					'getMyResponse',
					'Your own answers for one technology in one round',
					{ '200': answer('Your answers; version 0 means none saved yet.', ResponseSchema, true), ...missing('assessment') },
					{ path: ResponseParams }
				),
				put: operation(
					'saveMyResponse',
					'Save your answers as a draft, with the version you read',
					{
						'200': answer('Saved; the new version.', ResponseSchema, true),
						...missing('assessment'),
						...conflict('Stale version, round not open, or already submitted; nothing was written.'),
						...bodyRefusals
					},
					{ path: ResponseParams },
					body(ResponseWriteSchema)
				)
			},
			'/rounds/{id}/technologies/{slug}/response/submit': {
				post: operation(
					'submitMyResponse',
					'Save the answers sent and submit, once every vector is answered',
					{
						'200': answer('Submitted.', ResponseSchema, true),
						...missing('assessment'),
						...conflict('Stale version, round not open, or already submitted; nothing was written.'),
						'422': problem('Vectors are unanswered (named in `errors`); what was sent is saved as a draft.'),
						...bodyRefusals
					},
					{ path: ResponseParams },
					body(ResponseWriteSchema)
				)
			},
			'/tech-radar': {
				get: operation(
					'getTechRadar',
					"The tech radar as Backstage's tech-radar plugin loads it, with each technology's ring moves across closed rounds",
					{
						'200': answer('A TechRadarLoaderResponse.', BackstageRadarSchema)
					}
				)
			},
			'/me/assignments': {
				get: operation('listMyAssignments', "The token owner's assessments in open rounds, most urgent first", {
					'200': answer('Every open assessment of yours.', AssignmentListSchema)
				})
			},
			'/backlog': {
				get: operation(
					'listBacklog',
					'The remediation backlog, most urgent first',
					{ '200': answer('One page.', BacklogPageSchema) },
					{ query: BacklogQuery }
				)
			},
			'/backlog/{id}': {
				get: operation(
					'getBacklogItem',
					'One backlog item',
					{
						'200': answer('The item.', BacklogItemSchema, true),
						'304': { description: 'Not changed since the ETag sent in If-None-Match.' },
						...missing('backlog item has this id')
					},
					{ path: IdParams }
				),
				patch: operation(
					'updateBacklogItem',
					'Change status, assignee, ticket link, title or size (If-Match)',
					{
						'200': answer('The item as it is now.', BacklogItemSchema, true),
						...missing('backlog item has this id'),
						...conditional,
						...bodyRefusals
					},
					{ path: IdParams, header: IfMatch },
					body(BacklogPatchSchema)
				)
			}
		}
	}));
}
