import { z } from 'zod';
import { LIFECYCLES } from '#lib/domain/catalog.ts';
import { MAX_ID } from '#lib/domain/ids.ts';
import { ROUND_STATES } from '#lib/domain/states.ts';
import { fieldProblem, Problem } from '#lib/server/api/endpoint.ts';
import { hasControlCharacters } from '#lib/server/forms/index.ts';

/**
 * The REST API's schemas: they validate what comes in and describe what goes out, and the
 * OpenAPI document (api/openapi.ts) is generated from these same objects.
 */
const plainText = (max: number) =>
	z
		.string()
		.max(max)
		.refine((v) => !hasControlCharacters(v), 'cannot contain control characters');

export const ProblemSchema = z
	.object({
		type: z.string(),
		title: z.string(),
		status: z.number().int(),
		detail: z.string().optional(),
		errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
		version: z.number().int().optional().meta({ description: 'On a refused answer write: the version the answers are at now.' })
	})
	.meta({ id: 'Problem', description: 'An error, as RFC 9457 problem details; `errors` names each field that was refused.' });

export const TeamRefSchema = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'TeamRef' });

export const TechnologySchema = z
	.object({
		slug: z.string().meta({ example: 'kafka' }),
		name: z.string(),
		category: z.string(),
		lifecycle: z.enum(LIFECYCLES),
		targetLevel: z.number().int().min(0).max(5),
		runningVersion: z.string().meta({ description: 'The version running in production; empty when unknown.' }),
		endOfLifeUrl: z.string().meta({ description: 'Where its end-of-life data is fetched daily; empty when none.' }),
		reassessDays: z
			.number()
			.int()
			.nullable()
			.meta({ description: 'Days after which its rating is due again; null: its category’s default.' }),
		team: TeamRefSchema.nullable(),
		description: z.string(),
		links: z.object({ docs: z.string().optional(), runbook: z.string().optional(), repo: z.string().optional() }),
		version: z.number().int().meta({ description: 'Bumped by every change; also the ETag.' })
	})
	.meta({ id: 'Technology' });

export const TechnologyListQuery = z
	.object({
		q: plainText(100).optional().meta({ description: 'Words in the name, description or category.' }),
		category: plainText(50).optional(),
		team: z.coerce.number().int().min(1).max(MAX_ID).optional().meta({ description: 'A team id.' }),
		lifecycle: z.enum(LIFECYCLES).optional(),
		cursor: z.string().max(200).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
		limit: z.coerce.number().int().min(1).max(200).default(50)
	})
	.strict();

export const TechnologyPageSchema = z
	.object({ items: z.array(TechnologySchema), nextCursor: z.string().nullable() })
	.meta({ id: 'TechnologyPage', description: 'One page, in slug order; `nextCursor` is null on the last.' });

export const SlugParams = z.object({
	slug: z
		.string()
		.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
		.max(100)
});

export const TeamSchema = z
	.object({ id: z.number().int(), name: z.string(), members: z.number().int(), technologies: z.number().int() })
	.meta({ id: 'Team' });
export const TeamListSchema = z.object({ items: z.array(TeamSchema) }).meta({ id: 'TeamList' });

/** Parses a query string, refusing unknown and malformed parameters with a 400 that names them. */
export function parseQuery<S extends z.ZodType>(schema: S, url: URL): z.output<S> {
	const raw: Record<string, string> = {};
	for (const [k, v] of url.searchParams) {
		if (Object.hasOwn(raw, k))
			throw new Problem(400, 'Bad Request', `The parameter ${k} is given twice.`, { errors: [{ field: k, message: 'given twice' }] });
		raw[k] = v;
	}
	const parsed = schema.safeParse(raw);
	if (parsed.success) return parsed.data;
	throw fieldProblem(parsed.error.issues, 'query');
}

/** Cursors are the last slug of a page, encoded so clients treat them as opaque. */
export const encodeCursor = (slug: string) => Buffer.from(slug).toString('base64url');
export function decodeCursor(cursor: string | undefined): string | null {
	if (!cursor) return null;
	const slug = Buffer.from(cursor, 'base64url').toString();
	if (!SlugParams.shape.slug.safeParse(slug).success)
		throw new Problem(400, 'Bad Request', 'This cursor was not given by this API.', {
			errors: [{ field: 'cursor', message: 'not a cursor' }]
		});
	return slug;
}

export const RoundSchema = z
	.object({
		id: z.number().int(),
		name: z.string(),
		state: z.enum(ROUND_STATES),
		dueDate: z.string().nullable().meta({ description: 'YYYY-MM-DD' }),
		frameworkVersion: z.number().int(),
		technologies: z.number().int(),
		assigned: z.number().int().meta({ description: 'Assessments asked for.' }),
		submitted: z.number().int()
	})
	.meta({ id: 'Round' });
export const RoundListSchema = z.object({ items: z.array(RoundSchema) }).meta({ id: 'RoundList' });

export const IdParams = z.object({ id: z.coerce.number().int().min(1).max(MAX_ID) });

const VectorResultSchema = z
	.object({
		median: z.number().nullable(),
		n: z.number().int(),
		dontKnow: z.number().int(),
		min: z.number().nullable(),
		max: z.number().nullable(),
		disagreement: z.boolean()
	})
	.meta({ id: 'VectorResult' });

export const RoundResultsSchema = z
	.object({
		round: z.object({ id: z.number().int(), name: z.string(), state: z.enum(ROUND_STATES) }),
		provisional: z.boolean().meta({ description: 'True until the round closes: answers may still change.' }),
		items: z.array(
			z.object({
				technology: z.string().meta({ description: 'The slug.' }),
				name: z.string(),
				rating: z.number().nullable(),
				level: z.number().int().nullable(),
				coverage: z.number().nullable(),
				assigned: z.number().int(),
				submitted: z.number().int(),
				vectors: z.record(z.string(), VectorResultSchema).meta({
					description: 'By vector key; empty when `withheld` is set.'
				}),
				withheld: z.object({ answered: z.number().int(), threshold: z.number().int() }).nullable().meta({
					description:
						'Set when fewer people answered than the anonymity threshold and the token owner may not see respondents: the vector figures are left out, since with so few they could single one out.'
				})
			})
		)
	})
	.meta({ id: 'RoundResults' });

export const AssignmentListSchema = z
	.object({
		items: z.array(
			z.object({
				round: z.object({ id: z.number().int(), name: z.string(), dueDate: z.string().nullable() }),
				technology: z.object({ slug: z.string(), name: z.string() }),
				state: z.enum(['not started', 'draft', 'submitted']),
				answered: z.number().int().meta({ description: 'Vectors answered so far.' })
			})
		)
	})
	.meta({ id: 'AssignmentList', description: "The token owner's assessments in open rounds, most urgent first." });
