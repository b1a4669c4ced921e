import type { TechnologySchema } from '$lib/server/forms/api';
import type { z } from 'zod';

type Row = {
	slug: string;
	name: string;
	category: string;
	lifecycle: z.output<typeof TechnologySchema>['lifecycle'];
	targetLevel: number;
	teamId: number | null;
	teamName: string | null;
	description: string;
	links: z.output<typeof TechnologySchema>['links'];
	version: number;
};

/** A technology as the API shows it: the database row without its internal id. */
export const technologyOut = (t: Row): z.output<typeof TechnologySchema> => ({
	slug: t.slug,
	name: t.name,
	category: t.category,
	lifecycle: t.lifecycle,
	targetLevel: t.targetLevel,
	team: t.teamId === null ? null : { id: t.teamId, name: t.teamName ?? '' },
	description: t.description,
	links: t.links ?? {},
	version: t.version
});
