import { count, desc, eq } from 'drizzle-orm';
import type { Database } from '$lib/server/db/client';
import { db } from '$lib/server/db';
import { appUser, auditLog } from '$lib/server/db/schema';

export type AuditInput = {
	actorId: number | null;
	action: string;
	entity: string;
	entityId?: string | number | null;
	before?: unknown;
	after?: unknown;
};

/** Records one change; pass the transaction the change runs in, so both land or neither. */
export async function recordAudit(tx: Pick<Database, 'insert'>, entry: AuditInput) {
	await tx.insert(auditLog).values({
		actorId: entry.actorId,
		action: entry.action,
		entity: entry.entity,
		entityId: entry.entityId == null ? null : String(entry.entityId),
		before: entry.before ?? null,
		after: entry.after ?? null
	});
}

export async function listAudit(page: number, pageSize = 50) {
	const rows = await db()
		.select({
			id: auditLog.id,
			action: auditLog.action,
			entity: auditLog.entity,
			entityId: auditLog.entityId,
			before: auditLog.before,
			after: auditLog.after,
			createdAt: auditLog.createdAt,
			actorName: appUser.name,
			actorEmail: appUser.email
		})
		.from(auditLog)
		.leftJoin(appUser, eq(appUser.id, auditLog.actorId))
		.orderBy(desc(auditLog.createdAt), desc(auditLog.id))
		.limit(pageSize)
		.offset((page - 1) * pageSize);
	const [{ total }] = await db().select({ total: count() }).from(auditLog);
	return { rows, total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)) };
}
