import { z } from 'zod';
import { COMMENT_MAX, isEvidenceUrl, isWebLink, type Answer } from '#lib/domain/assessment.ts';
import { LIFECYCLES } from '#lib/domain/catalog.ts';
import { MAX_ID } from '#lib/domain/ids.ts';
import { FIBONACCI, ITEM_STATUSES } from '#lib/domain/remediation.ts';
import { LANES } from '#lib/domain/framework.ts';
import { ROUND_STATES } from '#lib/domain/states.ts';
import { hasControlCharacters, isCalendarDate } from '#lib/server/forms/index.ts';

/**
 * What the API's writes take. Like its reads (api/parse.ts), these schemas both validate the body
 * and document it in the OpenAPI document; every object is strict, so a misspelt field is named.
 */
const line = (max: number) =>
	z
		.string()
		.trim()
		.min(1, 'cannot be empty')
		.max(max)
		.refine((v) => !hasControlCharacters(v), 'cannot contain control characters');
export const prose = (max: number) =>
	z
		.string()
		.trim()
		.max(max)
		.refine((v) => !hasControlCharacters(v, { multiline: true }), 'can hold line breaks and tabs, but no other control characters');
const webLink = z
	.string()
	.trim()
	.max(500)
	.refine((v) => isWebLink(v, 500), 'must be a web address starting with http:// or https://');
const id = z.number().int().min(1).max(MAX_ID);
export const slug = z
	.string()
	.max(60)
	.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lower-case letters, digits and single hyphens');

const LinksSchema = z
	.object({ docs: webLink.optional(), runbook: webLink.optional(), repo: webLink.optional() })
	.strict()
	.meta({ id: 'TechnologyLinks' });

const technologyFields = {
	name: line(100),
	category: line(50).meta({ description: 'Stored in lower case.' }),
	team: id.nullable().optional().meta({ description: 'The owning team’s id, or null.' }),
	lifecycle: z.enum(LIFECYCLES).optional(),
	description: prose(2000).optional(),
	links: LinksSchema.optional().meta({ description: 'Given, they replace the stored links.' }),
	targetLevel: z.number().int().min(0).max(5).optional(),
	runningVersion: line(50)
		.or(z.literal(''))
		.optional()
		.meta({ description: 'The version running in production, matched to end-of-life data’s release cycles.' }),
	endOfLifeUrl: webLink.or(z.literal('')).optional().meta({
		description:
			'Where its product’s end-of-life data is fetched daily, in endoflife.date’s shape (e.g. https://endoflife.date/api/postgresql.json).'
	}),
	reassessDays: z
		.number()
		.int()
		.min(7)
		.max(1095)
		.nullable()
		.optional()
		.meta({ description: 'Days after which its rating is due again; null: its category’s default.' })
};

export const TechnologyCreateSchema = z
	.object({ slug: slug.optional().meta({ description: 'Made from the name when left out.' }), ...technologyFields })
	.strict()
	.meta({ id: 'TechnologyCreate', description: 'A new technology; lifecycle defaults to production, target to 3.' });

export const TechnologyPatchSchema = z
	.object({ slug: slug.optional(), ...z.object(technologyFields).partial().shape })
	.strict()
	.meta({ id: 'TechnologyPatch', description: 'The fields to change; the others stay.' });

export const BULK_MAX = 1000;
export const TechnologyBulkSchema = z
	.object({
		items: z
			.array(
				z
					.object({ slug, ...technologyFields })
					.omit({ runningVersion: true, endOfLifeUrl: true, reassessDays: true })
					.strict()
					.meta({ id: 'TechnologyUpsert' })
			)
			.min(1)
			.max(BULK_MAX)
	})
	.strict()
	.meta({
		id: 'TechnologyBulk',
		description: `Up to ${BULK_MAX} technologies by slug: new slugs are created, known ones updated with the fields given. All or nothing.`
	});

export const BulkResultSchema = z
	.object({ created: z.array(z.string()), updated: z.array(z.string()), unchanged: z.array(z.string()) })
	.meta({ id: 'BulkResult', description: 'The slugs, by what happened to them.' });

export const RoundCreateSchema = z
	.object({
		// As on the rounds page, so a round made here can be edited there.
		name: line(80),
		dueDate: z.string().refine(isCalendarDate, 'must be a date as YYYY-MM-DD').nullable().optional().meta({ description: 'YYYY-MM-DD' })
	})
	.strict()
	.meta({ id: 'RoundCreate' });

export const RoundScopeSchema = z
	.object({ technologies: z.array(slug).min(1).max(BULK_MAX).meta({ description: 'Slugs to add; each owning team’s scorers are asked.' }) })
	.strict()
	.meta({ id: 'RoundScope' });

const AnswerSchema = z
	.object({
		score: z.number().int().min(0).max(5).nullable().meta({ description: '0–5, or null with dontKnow, or null to clear.' }),
		dontKnow: z.boolean().optional(),
		comment: prose(COMMENT_MAX).optional(),
		evidenceUrl: z
			.string()
			.trim()
			.refine((v) => v === '' || isEvidenceUrl(v), 'must be a web address starting with http:// or https://')
			.optional()
	})
	.strict()
	.refine((a) => !(a.dontKnow && a.score !== null), { message: 'give a score or dontKnow, not both', path: ['dontKnow'] })
	.meta({ id: 'AnswerInput' });

export const ResponseWriteSchema = z
	.object({
		version: z
			.number()
			.int()
			.min(0)
			.max(MAX_ID)
			.meta({ description: 'The version you read (0 before the first save); a stale one is 409.' }),
		answers: z.record(z.string().max(100), AnswerSchema).meta({ description: 'By vector key; vectors left out keep their answer.' })
	})
	.strict()
	.meta({ id: 'ResponseWrite' });

export const toAnswer = (a: z.output<typeof AnswerSchema>): Answer => ({
	score: a.score,
	dontKnow: a.dontKnow ?? false,
	comment: a.comment ?? '',
	evidenceUrl: a.evidenceUrl ?? ''
});

export const BacklogPatchSchema = z
	.object({
		title: line(300).optional(),
		size: z
			.number()
			.refine((n) => (FIBONACCI as readonly number[]).includes(n), `one of ${FIBONACCI.join(', ')}`)
			.optional(),
		status: z.enum(ITEM_STATUSES).optional(),
		assignee: id.nullable().optional().meta({ description: 'A person’s id, or null.' }),
		ticketUrl: z.union([webLink, z.literal('')]).optional()
	})
	.strict()
	.meta({ id: 'BacklogPatch' });

export const BacklogQuery = z
	.object({
		technology: slug.optional().meta({ description: 'A technology slug.' }),
		team: z.coerce.number().int().min(1).max(MAX_ID).optional(),
		status: z.enum(ITEM_STATUSES).optional(),
		lane: z.enum(LANES).optional(),
		includeMet: z.enum(['true', 'false']).optional().meta({ description: 'Also items a later round met (default false).' }),
		limit: z.coerce.number().int().min(1).max(500).default(100),
		offset: z.coerce.number().int().min(0).max(1_000_000).default(0)
	})
	.strict();

export const BacklogItemSchema = z
	.object({
		id: z.number().int(),
		technology: z.object({ slug: z.string(), name: z.string() }),
		vector: z.string(),
		lane: z.enum(LANES),
		title: z.string(),
		actions: z.array(z.string()),
		currentLevel: z.number().nullable(),
		targetLevel: z.number().int(),
		priority: z.number(),
		size: z.number().int(),
		status: z.enum(ITEM_STATUSES),
		assignee: z.object({ id: z.number().int(), name: z.string() }).nullable(),
		ticketUrl: z.string(),
		met: z.boolean().meta({ description: 'A later round reached the target.' }),
		version: z.number().int().meta({ description: 'Also the ETag.' })
	})
	.meta({ id: 'BacklogItem' });
export const BacklogPageSchema = z
	.object({ items: z.array(BacklogItemSchema), total: z.number().int() })
	.meta({ id: 'BacklogPage', description: 'Most urgent first.' });

export const ResponseSchema = z
	.object({
		round: z.object({ id: z.number().int(), name: z.string(), state: z.enum(ROUND_STATES) }),
		technology: z.string().meta({ description: 'The slug.' }),
		state: z.enum(['draft', 'submitted']),
		version: z.number().int().meta({ description: '0 before the first save; send it back with the next write. Also the ETag.' }),
		answers: z.record(
			z.string(),
			z
				.object({ score: z.number().int().nullable(), dontKnow: z.boolean(), comment: z.string(), evidenceUrl: z.string() })
				.meta({ id: 'Answer' })
		)
	})
	.meta({ id: 'Response', description: 'The token owner’s own answers for one technology in one round.' });
