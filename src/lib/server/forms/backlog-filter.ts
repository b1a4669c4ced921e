import { z } from 'zod';
import { LANES } from '#lib/domain/framework.ts';
import { ITEM_STATUSES } from '#lib/domain/remediation.ts';
import { queryFilter } from './index';
import type { BacklogFilter } from '../queries/backlog';
import { getTechnology } from '../queries/technologies';

const schema = z.object({
	technology: queryFilter.text(60),
	team: queryFilter.id,
	lane: z.enum(LANES).optional().catch(undefined),
	vector: z
		.string()
		.regex(/^[a-z][a-z0-9_]{1,39}$/)
		.optional()
		.catch(undefined),
	status: z.enum(ITEM_STATUSES).optional().catch(undefined),
	met: z.literal('1').optional().catch(undefined),
	page: queryFilter.page
});

export type BacklogQuery = z.output<typeof schema>;

export async function backlogFilterFrom(url: URL): Promise<{ query: BacklogQuery; filter: BacklogFilter }> {
	const query = schema.parse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== '')));
	const tech = query.technology ? await getTechnology(query.technology) : undefined;
	return {
		query,
		filter: {
			// An unknown technology matches nothing rather than everything.
			technologyId: query.technology ? (tech?.id ?? -1) : undefined,
			teamId: query.team,
			lane: query.lane,
			vectorKey: query.vector,
			status: query.status,
			includeMet: query.met === '1'
		}
	};
}
