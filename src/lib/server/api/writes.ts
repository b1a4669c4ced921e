import type { z } from 'zod';
import { sameValue, slugify, type PlannedTechnology } from '#lib/domain/catalog.ts';
import type { TechnologyInput } from '#lib/server/queries/technologies.ts';
import type { TechnologyBulkSchema, TechnologyCreateSchema, TechnologyPatchSchema } from '#lib/server/api/write-schemas.ts';
import { Problem } from '#lib/server/api/endpoint.ts';

type Fields = z.output<typeof TechnologyPatchSchema>;

/** What a create or patch body means for the stored technology: given fields win, the rest stay (or take their defaults). */
export function technologyInput(body: Fields, current?: TechnologyInput): TechnologyInput {
	const name = body.name ?? current?.name ?? '';
	const slug = body.slug ?? current?.slug ?? slugify(name);
	if (!slug)
		throw new Problem(400, 'Bad Request', 'Give a slug: the name has no letters or digits.', {
			errors: [{ field: 'slug', message: 'cannot be made from the name' }]
		});
	return {
		name,
		slug,
		category: body.category?.toLowerCase() ?? current?.category ?? '',
		teamId: body.team !== undefined ? body.team : (current?.teamId ?? null),
		lifecycle: body.lifecycle ?? current?.lifecycle ?? 'production',
		description: body.description ?? current?.description ?? '',
		links: body.links ?? current?.links ?? {},
		targetLevel: body.targetLevel ?? current?.targetLevel ?? 3,
		runningVersion: body.runningVersion ?? current?.runningVersion ?? '',
		endOfLifeUrl: body.endOfLifeUrl ?? current?.endOfLifeUrl ?? '',
		reassessDays: body.reassessDays !== undefined ? body.reassessDays : (current?.reassessDays ?? null)
	};
}

export const sameTechnology = (a: TechnologyInput, b: TechnologyInput) =>
	(Object.keys(b) as (keyof TechnologyInput)[]).every((k) => sameValue(a[k], b[k]));

export const createInput = (body: z.output<typeof TechnologyCreateSchema>) => technologyInput(body);

/**
 * A bulk upsert planned against the catalog: each item merged onto the technology of its slug, or
 * new. A slug given twice is refused, naming the second.
 */
export function planBulk(items: z.output<typeof TechnologyBulkSchema>['items'], existing: Map<string, TechnologyInput>) {
	const seen = new Set<string>();
	const created: string[] = [];
	const updated: string[] = [];
	const unchanged: string[] = [];
	const rows: (PlannedTechnology & { links: TechnologyInput['links'] })[] = [];
	items.forEach((item, i) => {
		if (seen.has(item.slug))
			throw new Problem(400, 'Bad Request', `The slug ${item.slug} is given twice.`, {
				errors: [{ field: `items.${i}.slug`, message: 'given twice' }]
			});
		seen.add(item.slug);
		const before = existing.get(item.slug);
		const { slug, ...planned } = technologyInput(item, before);
		const after = { slug, ...planned };
		if (before && sameTechnology(before, after)) return unchanged.push(slug);
		(before ? updated : created).push(slug);
		rows.push(after);
	});
	return { rows, created, updated, unchanged };
}
