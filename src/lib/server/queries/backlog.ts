import { and, asc, desc, eq, inArray, isNull, sql, type Column, type SQL } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import type { Database, Tx } from '#lib/server/db/client.ts';
import { prepared } from '#lib/server/db/prepared.ts';
import { appUser, frameworkVector, remediationItem, round, roundResult, team, technology } from '#lib/server/db/schema/index.ts';
import { plannedItems, reconcileBacklog, type ItemStatus } from '#lib/domain/remediation.ts';
import type { Lane } from '#lib/domain/framework.ts';
import type { Reader } from '#lib/domain/anonymity.ts';
import { recordAudit } from './audit';
import { recordWebhookEvent } from './webhooks';
import { sendWebhooks } from '#lib/server/jobs/webhook-jobs.ts';
import { computeResults } from './results';

function chunks<T>(items: T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/**
 * Brings the backlog in line with a round's results (see `reconcileBacklog`). Runs inside the
 * caller's transaction, so closing a round and updating its backlog land together.
 */
export async function regenerateBacklog(tx: Tx, roundId: number, actorId: number | null) {
	const results = await computeResults({ roundId }, tx);
	const assessed = results.filter((r) => r.rating !== null);
	if (!assessed.length) return { created: 0, updated: 0, met: 0 };
	const [r] = await tx.select({ frameworkVersionId: round.frameworkVersionId }).from(round).where(eq(round.id, roundId));
	const vectors = await tx
		.select({
			key: frameworkVector.key,
			name: frameworkVector.name,
			lane: frameworkVector.lane,
			weight: frameworkVector.weight,
			anchors: frameworkVector.anchors
		})
		.from(frameworkVector)
		.where(eq(frameworkVector.frameworkVersionId, r.frameworkVersionId))
		.orderBy(asc(frameworkVector.position));
	const ids = assessed.map((a) => a.technologyId);
	const techs = new Map(
		(
			await tx
				.select({ id: technology.id, name: technology.name, targetLevel: technology.targetLevel })
				.from(technology)
				.where(inArray(technology.id, ids))
		).map((t) => [t.id, t])
	);
	const planned = assessed.flatMap((res) =>
		plannedItems(
			techs.get(res.technologyId)!,
			vectors.map((v) => ({
				...v,
				median: res.vectors[v.key]?.median ?? null,
				disagreement: res.vectors[v.key]?.disagreement ?? false,
				calibrated: res.vectors[v.key]?.calibratedFrom !== undefined
			}))
		)
	);
	const existing = await tx
		.select({
			id: remediationItem.id,
			technologyId: remediationItem.technologyId,
			vectorKey: remediationItem.vectorKey,
			kind: remediationItem.kind,
			status: remediationItem.status,
			edited: remediationItem.edited,
			metRoundId: remediationItem.metRoundId
		})
		.from(remediationItem)
		.where(inArray(remediationItem.technologyId, ids));
	const changes = reconcileBacklog(planned, existing, new Set(ids));
	const now = new Date();
	// Batches keep each statement well under PostgreSQL's parameter limit and drizzle's builder depth.
	for (const batch of chunks(changes.create, 500))
		await tx.insert(remediationItem).values(batch.map((item) => ({ ...item, createdRoundId: roundId, updatedRoundId: roundId })));
	for (const { id, item } of changes.update)
		await tx
			.update(remediationItem)
			.set({ ...item, updatedRoundId: roundId, updatedAt: now, version: sql`${remediationItem.version} + 1` })
			.where(eq(remediationItem.id, id));
	for (const batch of chunks(changes.met, 5000))
		await tx
			.update(remediationItem)
			.set({ metRoundId: roundId, updatedAt: now, version: sql`${remediationItem.version} + 1` })
			.where(inArray(remediationItem.id, batch));
	const counts = { created: changes.create.length, updated: changes.update.length, met: changes.met.length };
	await recordAudit(tx, { actorId, action: 'backlog.regenerate', entity: 'round', entityId: roundId, after: counts });
	return counts;
}

export type BacklogFilter = {
	itemId?: number;
	technologyId?: number;
	technologyIds?: number[];
	teamId?: number;
	lane?: Lane;
	vectorKey?: string;
	status?: ItemStatus;
	/** Only items still to do: open or in progress. */
	stillOpen?: boolean;
	includeMet?: boolean;
	/** Who reads the list: items whose figures come from a rating below the anonymity threshold are left out for one who may not see names. */
	reader?: Reader;
};

/** How many submitted answers the stored result of `roundId` for the item's technology rests on; null without one. */
const answeredIn = (roundId: Column) =>
	sql`(select (rr.result->>'submitted')::int from round_result rr where rr.round_id = ${roundId} and rr.technology_id = ${remediationItem.technologyId})`;

/**
 * How many respondents an item's figures rest on: the rating of the round that last planned it
 * (current level, gap, priority, actions), and for a met item also the round that met it (the level
 * it reached); the fewer of the two. An item whose round is gone counts as resting on none.
 */
export const itemAnswered = sql<number>`least(coalesce(${answeredIn(remediationItem.updatedRoundId)}, 0), coalesce(${answeredIn(remediationItem.metRoundId)}, 2147483647))`;

/** The items `reader` may see (see `mayTellApart`): all for one who may see names, else those resting on enough answers. */
const shownTo = (reader: Reader | undefined) => (reader && !reader.seesNames ? sql`${itemAnswered} >= ${reader.threshold}` : undefined);

function backlogWhere(filter: BacklogFilter) {
	return and(
		filter.itemId ? eq(remediationItem.id, filter.itemId) : undefined,
		filter.technologyId ? eq(remediationItem.technologyId, filter.technologyId) : undefined,
		filter.technologyIds ? inArray(remediationItem.technologyId, filter.technologyIds) : undefined,
		filter.teamId ? eq(technology.teamId, filter.teamId) : undefined,
		filter.lane ? eq(remediationItem.lane, filter.lane) : undefined,
		filter.vectorKey ? eq(remediationItem.vectorKey, filter.vectorKey) : undefined,
		filter.status ? eq(remediationItem.status, filter.status) : undefined,
		filter.stillOpen ? inArray(remediationItem.status, ['open', 'in_progress']) : undefined,
		filter.includeMet ? undefined : isNull(remediationItem.metRoundId),
		shownTo(filter.reader)
	);
}

/**
 * How many items a filter matches and how many story points are still to do among them; `withheld`:
 * how many more it matches that its reader may not see.
 */
export async function backlogSummary(filter: BacklogFilter = {}) {
	const shown = shownTo(filter.reader) ?? sql`true`;
	const [row] = await db()
		.select({
			items: sql<number>`count(*) filter (where ${shown})`.mapWith(Number),
			openPoints:
				sql<number>`coalesce(sum(${remediationItem.size}) filter (where ${shown} and ${remediationItem.metRoundId} is null and ${remediationItem.status} in ('open', 'in_progress')), 0)`.mapWith(
					Number
				),
			withheld: sql<number>`count(*) filter (where not (${shown}))`.mapWith(Number)
		})
		.from(remediationItem)
		.innerJoin(technology, eq(technology.id, remediationItem.technologyId))
		.where(backlogWhere({ ...filter, reader: undefined }));
	return row;
}

/** Backlog items matching `where`, most urgent first, with their technology, assignee and the round that met them. */
function itemsWhere(database: Database, where: SQL | undefined) {
	const met = database.select({ id: round.id, name: round.name }).from(round).as('met');
	return database
		.select({
			id: remediationItem.id,
			title: remediationItem.title,
			actions: remediationItem.actions,
			kind: remediationItem.kind,
			vectorKey: remediationItem.vectorKey,
			lane: remediationItem.lane,
			currentLevel: remediationItem.currentLevel,
			targetLevel: remediationItem.targetLevel,
			gap: remediationItem.gap,
			priority: remediationItem.priority,
			size: remediationItem.size,
			status: remediationItem.status,
			assigneeId: remediationItem.assigneeId,
			assigneeName: appUser.name,
			ticketUrl: remediationItem.ticketUrl,
			version: remediationItem.version,
			metRoundName: met.name,
			// The median the vector reached in the round that met the item, so a met item never shows its old level.
			metLevel: sql<number | null>`(${roundResult.result}->'vectors'->${remediationItem.vectorKey}->>'median')::float8`,
			// How many respondents the item's figures rest on, for the anonymity rule of lists filtered after reading.
			answered: itemAnswered.mapWith(Number),
			technologyId: technology.id,
			technologyName: technology.name,
			technologySlug: technology.slug,
			teamName: team.name
		})
		.from(remediationItem)
		.innerJoin(technology, eq(technology.id, remediationItem.technologyId))
		.leftJoin(team, eq(team.id, technology.teamId))
		.leftJoin(appUser, eq(appUser.id, remediationItem.assigneeId))
		.leftJoin(met, eq(met.id, remediationItem.metRoundId))
		.leftJoin(
			roundResult,
			and(eq(roundResult.roundId, remediationItem.metRoundId), eq(roundResult.technologyId, remediationItem.technologyId))
		)
		.where(where)
		.orderBy(desc(remediationItem.priority), asc(technology.name), asc(remediationItem.vectorKey), asc(remediationItem.id));
}

export async function listBacklog(filter: BacklogFilter = {}, page?: { limit: number; offset: number }) {
	const query = itemsWhere(db(), backlogWhere(filter));
	return page ? query.limit(page.limit).offset(page.offset) : query;
}

/**
 * One technology's items, met ones included (its page lists them apart): built once, as it is on a
 * hot page. Every item, whoever reads: the caller leaves out what its reader may not see (`answered`).
 */
const itemsOfTechnology = prepared((database) =>
	itemsWhere(database, eq(remediationItem.technologyId, sql.placeholder('technologyId'))).prepare('technology_backlog')
);
export const technologyBacklog = (technologyId: number) => itemsOfTechnology().execute({ technologyId });

export type ItemEdit = { title: string; size: number; status: ItemStatus; assigneeId: number | null; ticketUrl: string };

/** A person's edit, version-checked; each changed field is remembered so regeneration leaves it be. */
export async function updateItem(actorId: number, id: number, expectedVersion: number, edit: ItemEdit) {
	let hooks: number[] = [];
	const outcome = await db().transaction(async (tx) => {
		const [before] = await tx.select().from(remediationItem).where(eq(remediationItem.id, id)).for('update');
		if (!before) return 'not-found' as const;
		if (before.version !== expectedVersion) return 'stale' as const;
		const changed = (Object.keys(edit) as (keyof ItemEdit)[]).filter((k) => before[k] !== edit[k]);
		if (!changed.length) return 'unchanged' as const;
		const names = changed.map((k) => (k === 'assigneeId' ? 'assignee' : k));
		await tx
			.update(remediationItem)
			.set({ ...edit, edited: [...new Set([...before.edited, ...names])], version: before.version + 1, updatedAt: new Date() })
			.where(eq(remediationItem.id, id));
		await recordAudit(tx, {
			actorId,
			action: 'backlog.update',
			entity: 'remediation_item',
			entityId: id,
			before: Object.fromEntries(changed.map((k) => [k, before[k]])),
			after: Object.fromEntries(changed.map((k) => [k, edit[k]]))
		});
		const [t] = await tx.select({ slug: technology.slug }).from(technology).where(eq(technology.id, before.technologyId));
		hooks = await recordWebhookEvent(tx, 'backlog.item.changed', {
			item: { id, technology: t.slug, vector: before.vectorKey, version: before.version + 1 },
			changes: Object.fromEntries(changed.map((k) => [k, { before: before[k], after: edit[k] }])),
			actorId
		});
		return 'updated' as const;
	});
	await sendWebhooks(hooks);
	return outcome;
}
