import { requireCapability } from '#lib/server/auth/policy.ts';
import { backlogFilterFrom } from '#lib/server/forms/backlog-filter.ts';
import { JIRA_HEADER, jiraRow } from '#lib/server/export/backlog-jira.ts';
import { csvResponse, toCsv } from '#lib/server/export/csv.ts';
import { listBacklog } from '#lib/server/queries/backlog.ts';
import { measureExport } from '#lib/server/metrics.ts';
import { readerOf } from '#lib/server/views/reader.ts';
import type { RequestHandler } from './$types';

/** The backlog view as CSV that Jira's importer reads: one story per item, in priority order. */
export const GET: RequestHandler = (event) => measureExport('backlog/export.csv', () => backlogCsv(event));

async function backlogCsv(event: Parameters<RequestHandler>[0]) {
	const user = requireCapability(event, 'downloadData');
	const [{ filter }, reader] = await Promise.all([backlogFilterFrom(event.url), readerOf(user)]);
	const items = await listBacklog({ ...filter, reader });
	const date = new Date().toISOString().slice(0, 10);
	return csvResponse(`opsmaturity-backlog-${date}.csv`, toCsv([JIRA_HEADER, ...items.map(jiraRow)]));
}
