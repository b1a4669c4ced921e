import type { z } from 'zod';
import { parseId } from '#lib/server/forms/index.ts';
import type { BacklogItemSchema } from '#lib/server/api/write-schemas.ts';
import { entityResponse, entityTag, Problem } from '#lib/server/api/endpoint.ts';
import { listBacklog } from '#lib/server/queries/backlog.ts';
import type { Reader } from '#lib/domain/anonymity.ts';

type Row = Awaited<ReturnType<typeof listBacklog>>[number];

export const backlogItemOut = (r: Row): z.output<typeof BacklogItemSchema> => ({
	id: r.id,
	technology: { slug: r.technologySlug, name: r.technologyName },
	vector: r.vectorKey,
	lane: r.lane,
	title: r.title,
	actions: r.actions,
	currentLevel: r.currentLevel,
	targetLevel: r.targetLevel,
	priority: r.priority,
	size: r.size,
	status: r.status,
	assignee: r.assigneeId === null ? null : { id: r.assigneeId, name: r.assigneeName ?? '' },
	ticketUrl: r.ticketUrl,
	met: r.metRoundName !== null,
	version: r.version
});

/** The item at the path, as `reader` may see it: one read off a rating below the anonymity threshold is not found for one who may not see names. */
export async function backlogItemOfPath(params: Partial<Record<string, string>>, reader: Reader) {
	const itemId = parseId(params.id);
	const [row] = itemId ? await listBacklog({ itemId, includeMet: true, reader }) : [];
	if (!row) throw new Problem(404, 'Not Found', `No backlog item has the id ${JSON.stringify(params.id)}.`);
	return row;
}

/** The item and its ETag: its version and a hash of the answer, so a renamed technology or assignee changes it too. */
export function backlogItemEntity(row: Row) {
	const body = JSON.stringify(backlogItemOut(row));
	return { body, etag: entityTag(body, row.version) };
}

export function backlogItemResponse(row: Row) {
	const { body, etag } = backlogItemEntity(row);
	return entityResponse(body, etag);
}
