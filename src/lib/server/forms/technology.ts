import { z } from 'zod';
import { isWebLink } from '#lib/domain/assessment.ts';
import { LIFECYCLES, slugify } from '#lib/domain/catalog.ts';
import { optionalTeamId, optionalText, text } from './index';

const link = (label: string) =>
	z
		.string()
		.trim()
		.max(500, `${label} link is too long.`)
		.refine((v) => v === '' || isWebLink(v, 500), `${label} link must be a web address starting with http:// or https://.`)
		.optional()
		.transform((v) => v || undefined);

/** The technology editor's fields; the slug defaults to one made from the name. */
export const technologySchema = z
	.object({
		name: text('Name', 100),
		slug: z
			.string()
			.trim()
			.toLowerCase()
			.max(60, 'Slug must be at most 60 characters.')
			.refine((v) => v === '' || /^[a-z0-9]+(-[a-z0-9]+)*$/.test(v), 'Use lower-case letters, digits and single hyphens.')
			.optional(),
		category: text('Category', 50).transform((v) => v.toLowerCase()),
		teamId: optionalTeamId,
		lifecycle: z.enum(LIFECYCLES, { error: 'Choose a lifecycle.' }),
		description: optionalText('Description', 2000, { multiline: true }),
		docs: link('Docs'),
		runbook: link('Runbook'),
		repo: link('Repository'),
		targetLevel: z.coerce
			.number({ error: 'Target must be a whole number from 0 to 5.' })
			.int('Target must be a whole number from 0 to 5.')
			.min(0, 'Target must be a whole number from 0 to 5.')
			.max(5, 'Target must be a whole number from 0 to 5.'),
		runningVersion: optionalText('Running version', 50),
		endOfLifeUrl: link('End-of-life data'),
		reassessDays: z
			.string()
			.trim()
			.optional()
			.transform((v) => (v ? Number(v) : null))
			.refine(
				(v) => v === null || (Number.isInteger(v) && v >= 7 && v <= 1095),
				'Reassess every 7 to 1,095 days, or leave it empty for the category’s default.'
			)
	})
	.transform(({ docs, runbook, repo, slug, ...rest }, ctx) => {
		const finalSlug = slug || slugify(rest.name);
		if (!finalSlug) {
			ctx.addIssue({ code: 'custom', message: 'Give a slug: the name has no letters or digits.', path: ['slug'] });
			return z.NEVER;
		}
		return {
			...rest,
			endOfLifeUrl: rest.endOfLifeUrl ?? '',
			runningVersion: rest.runningVersion ?? '',
			slug: finalSlug,
			links: Object.fromEntries(Object.entries({ docs, runbook, repo }).filter(([, v]) => v))
		};
	});
