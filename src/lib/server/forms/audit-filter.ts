import { z } from 'zod';
import { isCalendarDate, queryFilter } from './index';
import type { AuditFilter } from '../queries/audit';

const date = z
	.string()
	.refine(isCalendarDate)
	.optional()
	.catch(undefined)
	.transform((v) => v ?? null);

/** The audit log's filter from a URL: anything unparseable is ignored rather than refused, as on every list page. */
export function parseAuditFilter(params: URLSearchParams): AuditFilter & { page: number } {
	const q = z
		.object({
			person: queryFilter.id,
			entity: z
				.string()
				.regex(/^[a-z_]{1,40}$/)
				.optional()
				.catch(undefined),
			from: date,
			to: date,
			page: queryFilter.page
		})
		.parse(Object.fromEntries([...params].filter(([, v]) => v !== '')));
	return { actorId: q.person, entity: q.entity, from: q.from, to: q.to, page: q.page };
}
