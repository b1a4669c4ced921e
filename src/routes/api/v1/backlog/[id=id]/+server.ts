import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { BacklogPatchSchema } from '#lib/server/api/write-schemas.ts';
import { FOREIGN_KEY_VIOLATION, sqlState } from '#lib/server/db/client.ts';
import { endpoint, Problem, readJson, requireIfMatch, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { updateItem } from '#lib/server/queries/backlog.ts';
import { readerOf } from '#lib/server/views/reader.ts';
import { backlogItemEntity, backlogItemOfPath, backlogItemResponse } from '#lib/server/api/backlog.ts';

const noQuery = z.object({}).strict();

export const GET = endpoint('read', async ({ url, params, request }, user) => {
	parseQuery(noQuery, url);
	const row = await backlogItemOfPath(params, await readerOf(user));
	const { etag } = backlogItemEntity(row);
	if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
	return backlogItemResponse(row);
});

/** Changes status, assignee, ticket link, title or size, if the item is still as read (If-Match); regeneration keeps these edits. */
export const PATCH = endpoint('editBacklog', async ({ url, params, request }, user) => {
	parseQuery(noQuery, url);
	const reader = await readerOf(user);
	const row = await backlogItemOfPath(params, reader);
	requireIfMatch(request, backlogItemEntity(row).etag);
	const body = await readJson(request, BacklogPatchSchema);
	const edit = {
		title: body.title ?? row.title,
		size: body.size ?? row.size,
		status: body.status ?? row.status,
		assigneeId: body.assignee !== undefined ? body.assignee : row.assigneeId,
		ticketUrl: body.ticketUrl ?? row.ticketUrl
	};
	let outcome;
	try {
		outcome = await updateItem(user.id, row.id, row.version, edit);
	} catch (error) {
		if (sqlState(error) !== FOREIGN_KEY_VIOLATION) throw error;
		throw new Problem(400, 'Bad Request', 'No person has this id.', { errors: [{ field: 'assignee', message: 'no such person' }] });
	}
	if (outcome === 'stale') throw new Problem(412, 'Precondition Failed', 'This item changed meanwhile; read it again and retry.');
	return backlogItemResponse(await backlogItemOfPath(params, reader));
});

export const fallback = methodNotAllowed(['GET', 'PATCH']);
