import { describeAudit } from '$lib/domain/audit-entry';
import { requireRole } from '$lib/server/auth/guards';
import { parseAuditFilter } from '$lib/server/audit-filter';
import { auditFilterChoices, listAudit } from '$lib/server/queries/audit';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireRole(event, 'admin');
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
