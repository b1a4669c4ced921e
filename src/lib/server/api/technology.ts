import { FOREIGN_KEY_VIOLATION, sqlState, UNIQUE_VIOLATION } from '#lib/server/db/client.ts';
import { entityResponse, entityTag, Problem } from '#lib/server/api/endpoint.ts';
import type { getTechnology } from '#lib/server/queries/technologies.ts';
import type { TechnologySchema } from '#lib/server/api/parse.ts';
import type { z } from 'zod';

type Row = {
	slug: string;
	name: string;
	category: string;
	lifecycle: z.output<typeof TechnologySchema>['lifecycle'];
	targetLevel: number;
	runningVersion: string;
	endOfLifeUrl: string;
	reassessDays: number | null;
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
	runningVersion: t.runningVersion,
	endOfLifeUrl: t.endOfLifeUrl,
	reassessDays: t.reassessDays,
	team: t.teamId === null ? null : { id: t.teamId, name: t.teamName ?? '' },
	description: t.description,
	links: t.links ?? {},
	version: t.version
});

type Found = NonNullable<Awaited<ReturnType<typeof getTechnology>>>;

/**
 * A technology's ETag: its version and a hash of the answer, so a renamed team (which changes
 * what the answer says without changing the technology) changes it too.
 */
export function technologyEntity(found: Found) {
	const body = JSON.stringify(technologyOut(found));
	return { body, etag: entityTag(body, found.version) };
}

export function technologyResponse(found: Found, status = 200) {
	const { body, etag } = technologyEntity(found);
	return entityResponse(body, etag, status, status === 201 ? `/api/v1/technologies/${found.slug}` : undefined);
}

/** A write the database refuses for a reason the client can fix: a taken slug (409) or a team that does not exist (400). */
export async function refuseWrite<T>(write: () => Promise<T>, field = ''): Promise<T> {
	try {
		return await write();
	} catch (error) {
		const at = (name: string) => (field ? `${field}.${name}` : name);
		if (sqlState(error) === UNIQUE_VIOLATION)
			throw new Problem(409, 'Conflict', 'Another technology already has this slug.', {
				errors: [{ field: at('slug'), message: 'taken' }]
			});
		if (sqlState(error) === FOREIGN_KEY_VIOLATION)
			throw new Problem(400, 'Bad Request', 'No team has this id.', { errors: [{ field: at('team'), message: 'no such team' }] });
		throw error;
	}
}
