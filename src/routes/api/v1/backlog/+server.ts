import { parseQuery } from '#lib/server/api/parse.ts';
import { BacklogQuery } from '#lib/server/api/write-schemas.ts';
import { endpoint, json, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { backlogSummary, listBacklog, type BacklogFilter } from '#lib/server/queries/backlog.ts';
import { getTechnology } from '#lib/server/queries/technologies.ts';
import { readerOf } from '#lib/server/views/reader.ts';
import { backlogItemOut } from '#lib/server/api/backlog.ts';

/** The remediation backlog, most urgent first, filtered, a page at a time. */
export const GET = endpoint('read', async ({ url }, user) => {
	const query = parseQuery(BacklogQuery, url);
	const technologyId = query.technology ? ((await getTechnology(query.technology))?.id ?? -1) : undefined;
	const filter: BacklogFilter = {
		technologyId,
		teamId: query.team,
		status: query.status,
		lane: query.lane,
		includeMet: query.includeMet === 'true',
		// Items read off a rating below the anonymity threshold are left out for one who may not see names.
		reader: await readerOf(user)
	};
	const [rows, summary] = await Promise.all([listBacklog(filter, { limit: query.limit, offset: query.offset }), backlogSummary(filter)]);
	return json({ items: rows.map(backlogItemOut), total: summary.items });
});

export const fallback = methodNotAllowed(['GET']);
