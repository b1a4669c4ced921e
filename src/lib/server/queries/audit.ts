import { and, count, desc, eq, gte, inArray, lte, max, sql } from 'drizzle-orm';
import type { Database } from '#lib/server/db/client.ts';
import { db } from '#lib/server/db/index.ts';
import { appUser, auditLog, round, team, technology } from '#lib/server/db/schema/index.ts';
import { idsIn, type AuditRow, type AuditSnapshot, type NameBook } from '#lib/domain/audit-entry.ts';

export type AuditInput = {
	actorId: number | null;
	action: string;
	entity: string;
	entityId?: string | number | null;
	before?: AuditSnapshot | null;
	after?: AuditSnapshot | null;
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

export type AuditFilter = { actorId?: number; entity?: string; from?: string | null; to?: string | null; upToId?: number };

function auditWhere(f: AuditFilter) {
	return and(
		f.actorId ? eq(auditLog.actorId, f.actorId) : undefined,
		f.upToId !== undefined ? lte(auditLog.id, f.upToId) : undefined,
		f.entity ? eq(auditLog.entity, f.entity) : undefined,
		// Whole days, inclusive, in UTC as the page writes times.
		f.from ? gte(auditLog.createdAt, new Date(`${f.from}T00:00:00Z`)) : undefined,
		f.to ? sql`${auditLog.createdAt} < (${f.to}::date + 1)::timestamp at time zone 'UTC'` : undefined
	);
}

const auditColumns = {
	id: auditLog.id,
	action: auditLog.action,
	entity: auditLog.entity,
	entityId: auditLog.entityId,
	before: auditLog.before,
	after: auditLog.after,
	createdAt: auditLog.createdAt,
	actorName: appUser.name
};

/** Entries matching the filter, newest first, from `offset` on. */
const auditSlice = (filter: AuditFilter, limit: number, offset: number) =>
	db()
		.select(auditColumns)
		.from(auditLog)
		.leftJoin(appUser, eq(appUser.id, auditLog.actorId))
		.where(auditWhere(filter))
		.orderBy(desc(auditLog.createdAt), desc(auditLog.id))
		.limit(limit)
		.offset(offset);

/** One page of entries matching the filter, newest first, with the names every entry mentions. */
export async function listAudit(filter: AuditFilter, page: number, pageSize = 50) {
	const [rows, [{ total }]] = await Promise.all([
		auditSlice(filter, pageSize, (page - 1) * pageSize),
		db().select({ total: count() }).from(auditLog).where(auditWhere(filter))
	]);
	return { rows, names: await namesFor(rows), total, page, pageSize, pages: Math.max(1, Math.ceil(total / pageSize)) };
}

/** Every entry matching the filter, newest first, in batches (the CSV export). */
export async function* auditBatches(filter: AuditFilter, batch = 2000) {
	// Entries written while the export runs come after this id, so they never shift the batches.
	const [{ last }] = await db()
		.select({ last: max(auditLog.id) })
		.from(auditLog);
	const bounded = { ...filter, upToId: last ?? 0 };
	for (let offset = 0; ; offset += batch) {
		const rows = await auditSlice(bounded, batch, offset);
		if (!rows.length) return;
		yield { rows, names: await namesFor(rows) };
		if (rows.length < batch) return;
	}
}

/** The people who appear as actors, and the kinds of thing the log holds: the filter's choices. */
export async function auditFilterChoices() {
	const [actors, entities] = await Promise.all([
		db()
			.selectDistinct({ id: appUser.id, name: appUser.name })
			.from(auditLog)
			.innerJoin(appUser, eq(appUser.id, auditLog.actorId))
			.orderBy(appUser.name),
		db().selectDistinct({ entity: auditLog.entity }).from(auditLog).orderBy(auditLog.entity)
	]);
	return { actors, entities: entities.map((e) => e.entity) };
}

/** Names for the ids a set of entries mentions: four small lookups, only for ids present. */
async function namesFor(rows: AuditRow[]): Promise<NameBook> {
	const ids = idsIn(rows);
	const lookup = async (table: typeof appUser | typeof team | typeof technology | typeof round, wanted: Set<number>) =>
		wanted.size
			? new Map(
					(
						await db()
							.select({ id: table.id, name: table.name })
							.from(table)
							.where(inArray(table.id, [...wanted]))
					).map((r) => [r.id, r.name])
				)
			: new Map<number, string>();
	const [user, teamNames, technologyNames, roundNames] = await Promise.all([
		lookup(appUser, ids.user),
		lookup(team, ids.team),
		lookup(technology, ids.technology),
		lookup(round, ids.round)
	]);
	return { user, team: teamNames, technology: technologyNames, round: roundNames };
}
