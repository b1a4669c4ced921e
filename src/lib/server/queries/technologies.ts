import { and, asc, count, desc, eq, gt, ilike, inArray, or, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import type { Tx } from '#lib/server/db/client.ts';
import { response, round, roundResult, roundTechnology, team, technology, type TechnologyLinks } from '#lib/server/db/schema/index.ts';
import { isSlug, LIFECYCLES, type Lifecycle, type PlannedTechnology } from '#lib/domain/catalog.ts';
import { recordAudit } from './audit';

export type TechnologyFilter = { q?: string; category?: string; teamId?: number; lifecycle?: Lifecycle; ids?: number[] };

export type TechnologyInput = {
	name: string;
	slug: string;
	category: string;
	teamId: number | null;
	lifecycle: Lifecycle;
	description: string;
	links: TechnologyLinks;
	targetLevel: number;
	runningVersion: string;
	endOfLifeUrl: string;
	reassessDays: number | null;
};

/** What lists and headers show of a technology (join `team` for the name). */
const summaryColumns = {
	id: technology.id,
	slug: technology.slug,
	name: technology.name,
	category: technology.category,
	lifecycle: technology.lifecycle,
	targetLevel: technology.targetLevel,
	teamId: technology.teamId,
	teamName: team.name,
	reassessDays: technology.reassessDays
};

/** What the API and the editor show of one technology. */
const detailColumns = {
	...summaryColumns,
	description: technology.description,
	links: technology.links,
	runningVersion: technology.runningVersion,
	endOfLifeUrl: technology.endOfLifeUrl,
	reassessDays: technology.reassessDays,
	version: technology.version
};

function technologyWhere(filter: TechnologyFilter) {
	const q = filter.q?.trim();
	const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
	return and(
		pattern ? or(ilike(technology.name, pattern), ilike(technology.description, pattern), ilike(technology.category, pattern)) : undefined,
		filter.category ? eq(technology.category, filter.category) : undefined,
		filter.teamId ? eq(technology.teamId, filter.teamId) : undefined,
		filter.lifecycle ? eq(technology.lifecycle, filter.lifecycle) : undefined,
		filter.ids ? (filter.ids.length ? inArray(technology.id, filter.ids) : sql`false`) : undefined
	);
}

export async function listTechnologies(filter: TechnologyFilter = {}) {
	return db()
		.select(summaryColumns)
		.from(technology)
		.leftJoin(team, eq(team.id, technology.teamId))
		.where(technologyWhere(filter))
		.orderBy(asc(technology.name));
}

export const CATALOG_SORTS = ['name', 'category', 'team', 'lifecycle', 'rating'] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];
export type CatalogQuery = { sort: CatalogSort; dir: 'asc' | 'desc'; page: number };
export const CATALOG_PAGE_SIZE = 50;

/**
 * Each technology's rating from the newest closed round that rated it, and that round: a rating
 * is always shown with where it came from, and a technology skipped by the last round keeps its
 * earlier one. One indexed lookup per technology (round_result_technology_idx).
 */
const latestRating = () =>
	db()
		.select({
			rating: sql<number>`(${roundResult.result}->'rating'->>'rating')::float8`.as('latest_rating'),
			level: sql<number>`(${roundResult.result}->'rating'->>'level')::int`.as('latest_level'),
			roundId: sql<number>`${round.id}`.as('latest_round_id'),
			roundName: sql<string>`${round.name}`.as('latest_round_name')
		})
		.from(roundResult)
		.innerJoin(round, eq(round.id, roundResult.roundId))
		.where(
			and(eq(roundResult.technologyId, technology.id), eq(round.state, 'closed'), sql`${roundResult.result}->'rating' <> 'null'::jsonb`)
		)
		.orderBy(desc(round.createdAt), desc(round.id))
		.limit(1)
		.as('latest');

/**
 * One page of the catalog, sorted and paged in SQL with each technology's latest rating. Ties
 * (and technologies without a team or a rating, which come last either way) fall back to the
 * name, so a page holds the same rows each time it is asked for. A page past the end is the last.
 */
export async function catalogPage(filter: TechnologyFilter, query: CatalogQuery) {
	const where = technologyWhere(filter);
	const [{ total }] = await db().select({ total: count() }).from(technology).where(where);
	const pages = Math.max(1, Math.ceil(total / CATALOG_PAGE_SIZE));
	const page = Math.min(query.page, pages);
	const latest = latestRating();
	const name = sql`lower(${technology.name})`;
	const key = {
		name,
		category: sql`lower(${technology.category})`,
		team: sql`lower(${team.name})`,
		// The lifecycle's own order (evaluating → retired), not the alphabet's.
		lifecycle: sql`array_position(${sql.param([...LIFECYCLES])}::text[], ${technology.lifecycle})`,
		rating: sql`${latest.rating}`
	}[query.sort];
	const rows = await db()
		.select({ ...summaryColumns, rating: latest.rating, level: latest.level, roundId: latest.roundId, roundName: latest.roundName })
		.from(technology)
		.leftJoin(team, eq(team.id, technology.teamId))
		.leftJoinLateral(latest, sql`true`)
		.where(where)
		.orderBy(sql`${key} ${sql.raw(query.dir === 'desc' ? 'desc' : 'asc')} nulls last`, asc(name), asc(technology.id))
		.limit(CATALOG_PAGE_SIZE)
		.offset((page - 1) * CATALOG_PAGE_SIZE);
	return { technologies: rows, total, page, pages };
}

/**
 * One page of the catalog in slug order, after the slug `after`: keyset paging, so a page costs
 * the same wherever it is and technologies added meanwhile neither repeat nor vanish.
 */
export async function pageTechnologies(filter: TechnologyFilter, after: string | null, limit: number) {
	const rows = await db()
		.select(detailColumns)
		.from(technology)
		.leftJoin(team, eq(team.id, technology.teamId))
		.where(and(technologyWhere(filter), after ? gt(technology.slug, after) : undefined))
		.orderBy(asc(technology.slug))
		.limit(limit + 1);
	return { items: rows.slice(0, limit), more: rows.length > limit };
}

export async function listCategories(): Promise<string[]> {
	const rows = await db().selectDistinct({ category: technology.category }).from(technology).orderBy(asc(technology.category));
	return rows.map((r) => r.category);
}

/** Slug and name of each technology with one of these ids. */
export async function technologyNames(ids: number[]) {
	if (!ids.length) return [];
	return db()
		.select({ id: technology.id, slug: technology.slug, name: technology.name })
		.from(technology)
		.where(inArray(technology.id, ids));
}

/** The id of each technology with one of these slugs; a slug no technology has is not in the map. */
export async function technologyIdsBySlug(slugs: string[]): Promise<Map<string, number>> {
	if (!slugs.length) return new Map();
	const rows = await db().select({ id: technology.id, slug: technology.slug }).from(technology).where(inArray(technology.slug, slugs));
	return new Map(rows.map((r) => [r.slug, r.id]));
}

export async function getTechnology(slug: string) {
	if (!isSlug(slug)) return undefined;
	const [row] = await db()
		.select(detailColumns)
		.from(technology)
		.leftJoin(team, eq(team.id, technology.teamId))
		.where(eq(technology.slug, slug));
	return row;
}

export async function createTechnology(actorId: number, input: TechnologyInput) {
	return db().transaction(async (tx) => {
		const [row] = await tx.insert(technology).values(input).returning();
		await recordAudit(tx, { actorId, action: 'technology.create', entity: 'technology', entityId: row.id, after: input });
		return row;
	});
}

/** Optimistic: only the version the editor loaded may be overwritten. */
export async function updateTechnology(actorId: number, id: number, expectedVersion: number, input: TechnologyInput) {
	return db().transaction(async (tx) => {
		const [before] = await tx.select().from(technology).where(eq(technology.id, id)).for('update');
		if (!before) return 'not-found' as const;
		if (before.version !== expectedVersion) return 'stale' as const;
		await tx
			.update(technology)
			.set({ ...input, version: before.version + 1, updatedAt: new Date() })
			.where(eq(technology.id, id));
		await recordAudit(tx, { actorId, action: 'technology.update', entity: 'technology', entityId: id, before, after: input });
		return 'updated' as const;
	});
}

/** History is never deleted: a technology anyone has scored can only be retired. */
export async function deleteTechnology(actorId: number, id: number) {
	return db().transaction(async (tx) => {
		const [before] = await tx.select().from(technology).where(eq(technology.id, id)).for('update');
		if (!before) return 'not-found' as const;
		const [{ n }] = await tx.select({ n: count() }).from(response).where(eq(response.technologyId, id));
		if (n > 0) return 'has-responses' as const;
		await tx.delete(roundTechnology).where(eq(roundTechnology.technologyId, id));
		await tx.delete(technology).where(eq(technology.id, id));
		await recordAudit(tx, { actorId, action: 'technology.delete', entity: 'technology', entityId: id, before });
		return 'deleted' as const;
	});
}

const importColumns = {
	slug: technology.slug,
	name: technology.name,
	category: technology.category,
	teamId: technology.teamId,
	lifecycle: technology.lifecycle,
	description: technology.description,
	links: technology.links,
	targetLevel: technology.targetLevel,
	// Read so that a bulk upsert's plan keeps them; neither a catalog import nor a bulk upsert writes them.
	runningVersion: technology.runningVersion,
	endOfLifeUrl: technology.endOfLifeUrl,
	reassessDays: technology.reassessDays
};

export const technologiesForImport = () => db().select(importColumns).from(technology);

/** Writes a whole planned import in one transaction: every row lands, or none does. */
export async function importTechnologies(actorId: number, rows: PlannedTechnology[]) {
	if (!rows.length) return 0;
	return db().transaction(async (tx) => {
		await writeTechnologies(tx, actorId, rows);
		return rows.length;
	});
}

/**
 * Creates or updates technologies by slug, planned from the rows as they are under lock, so an edit
 * made meanwhile is merged rather than undone. `plan` gets the current technologies of `slugs`.
 */
export async function upsertTechnologies<P extends { rows: PlannedTechnology[] }>(
	actorId: number,
	slugs: string[],
	plan: (existing: Map<string, TechnologyInput>) => P
): Promise<P> {
	return db().transaction(async (tx) => {
		const current = await tx
			.select(importColumns)
			.from(technology)
			.where(inArray(technology.slug, slugs))
			.orderBy(asc(technology.slug))
			.for('update');
		const planned = plan(new Map(current.map((t) => [t.slug, { ...t, links: t.links ?? {} }])));
		if (planned.rows.length) await writeTechnologies(tx, actorId, planned.rows);
		return planned;
	});
}

async function writeTechnologies(tx: Tx, actorId: number, rows: PlannedTechnology[]) {
	await tx
		.insert(technology)
		.values(rows)
		.onConflictDoUpdate({
			target: technology.slug,
			set: {
				name: sql`excluded.name`,
				category: sql`excluded.category`,
				teamId: sql`excluded.team_id`,
				lifecycle: sql`excluded.lifecycle`,
				description: sql`excluded.description`,
				targetLevel: sql`excluded.target_level`,
				links: sql`excluded.links`,
				version: sql`${technology.version} + 1`,
				updatedAt: sql`now()`
			}
		});
	await recordAudit(tx, { actorId, action: 'technology.import', entity: 'technology', after: { slugs: rows.map((r) => r.slug) } });
}
