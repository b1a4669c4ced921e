import { describeAudit } from '#lib/domain/audit-entry.ts';
import { requireCapability } from '#lib/server/auth/policy.ts';
import { parseAuditFilter } from '#lib/server/forms/audit-filter.ts';
import { csvResponse, toCsv } from '#lib/server/export/csv.ts';
import { auditBatches } from '#lib/server/queries/audit.ts';
import { measureExport } from '#lib/server/metrics.ts';
import type { RequestHandler } from './$types';

/** The filtered audit log as CSV: one row per entry, changes written out as "field: before → after". */
export const GET: RequestHandler = (event) => measureExport('admin/audit/export.csv', () => auditCsv(event));

async function auditCsv(event: Parameters<RequestHandler>[0]) {
	requireCapability(event, 'administer');
	const filter = parseAuditFilter(event.url.searchParams);
	const rows: (string | number | null)[][] = [['When (UTC)', 'Who', 'What', 'Changes']];
	for await (const { rows: batch, names } of auditBatches(filter))
		for (const row of batch) {
			const { summary, changes } = describeAudit(row, names);
			rows.push([
				row.createdAt.toISOString(),
				row.actorName ?? 'system',
				summary,
				changes.map((c) => `${c.field}: ${c.before} → ${c.after}`).join('; ')
			]);
		}
	return csvResponse('opsmaturity-audit.csv', toCsv(rows));
}
