import { describeAudit } from '#lib/domain/audit-entry.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { parseAuditFilter } from '#lib/server/forms/audit-filter.ts';
import { auditFilterChoices, listAudit } from '#lib/server/queries/audit.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireCapability(event, 'administer');
	const filter = parseAuditFilter(event.url.searchParams);
	const [log, choices] = await Promise.all([listAudit(filter, filter.page), auditFilterChoices()]);
	return {
		entries: log.rows.map((row) => ({
			id: row.id,
			createdAt: row.createdAt,
			who: row.actorName ?? 'system',
			...describeAudit(row, log.names)
		})),
		total: log.total,
		page: log.page,
		pages: log.pages,
		filter,
		choices
	};
};
