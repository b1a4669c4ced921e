import { and, eq, sql, type SQL } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { FOREIGN_KEY_VIOLATION, rowsOf, sqlState } from '#lib/server/db/client.ts';
import { initiative } from '#lib/server/db/schema/index.ts';
import type { InitiativeFields } from '#lib/domain/initiatives.ts';
import { recordAudit } from './audit';

export type InitiativeRow = InitiativeFields & {
	id: number;
	version: number;
	teamName: string | null;
	vectorName: string | null;
	/** Each technology in the set, by name, with what it reached towards the goal (null: not measured) and how many answered that rating. */
	technologies: { id: number; slug: string; name: string; reached: number | null; answered: number }[];
};

/** Whether initiative `i` covers technology `t` (aliases of the caller's SQL): its filter, and never a retired technology. */
export const coversTechnology = sql`t.lifecycle <> 'retired' and (i.category is null or t.category = i.category) and (i.team_id is null or t.team_id = i.team_id)`;

/** Initiative `i`'s vector name, from the newest framework version that has the vector. */
export const vectorNameOf = sql`(select fv.name from framework_vector fv where fv.key = i.vector_key order by fv.framework_version_id desc limit 1)`;

/** Where progress is read from: each technology's newest closed, rated round, or one round's results (a report, optionally one team's). */
export type ProgressSource = { kind: 'newest-closed' } | { kind: 'round'; roundId: number; teamId?: number };

/** The one result each technology's progress is read from: a lookup per technology, by index. */
function resultOf(source: ProgressSource): SQL {
	return source.kind === 'round'
		? sql`select rr.result from round_result rr where rr.round_id = ${source.roundId} and rr.technology_id = t.id`
		: sql`select rr.result from round_result rr join round r on r.id = rr.round_id
			where rr.technology_id = t.id and r.state = 'closed' and rr.result->'rating' <> 'null'::jsonb
			order by r.created_at desc, r.id desc limit 1`;
}

/**
 * Initiatives with the technologies in their set and what each reached, in one statement. The set
 * is the initiative's filter over technologies that are not retired; with a report's round, only
 * the technologies that round scored (and, for a team's report, that team owns). "Reached" is the
 * rule of `reachedIn` (domain): the vector's median, or the level, of a rated result.
 */
export async function initiativesWithProgress(options: { source?: ProgressSource; initiativeId?: number } = {}): Promise<InitiativeRow[]> {
	const source = options.source ?? { kind: 'newest-closed' };
	const rows = await db().execute(sql`
		select i.id, i.name, i.vector_key as "vectorKey", i.target_level as "targetLevel", to_char(i.due_on, 'YYYY-MM-DD') as "dueOn",
			i.category, i.team_id as "teamId", tm.name as "teamName", i.version,
			${vectorNameOf} as "vectorName",
			coalesce(json_agg(json_build_object('id', t.id, 'slug', t.slug, 'name', t.name, 'reached',
				case when res.result->'rating' is null or res.result->'rating' = 'null'::jsonb then null
					when i.vector_key is null then (res.result->'rating'->>'level')::numeric
					else (res.result->'vectors'->i.vector_key->>'median')::numeric end,
				'answered', coalesce((res.result->>'submitted')::int, 0)) order by t.name, t.id)
				filter (where t.id is not null), '[]') as technologies
		from initiative i
		left join team tm on tm.id = i.team_id
		left join technology t on ${coversTechnology}
			${
				source.kind === 'round'
					? sql`and exists (select 1 from round_technology rt where rt.round_id = ${source.roundId} and rt.technology_id = t.id)
						${source.teamId !== undefined ? sql`and t.team_id = ${source.teamId}` : sql``}`
					: sql``
			}
		left join lateral (${resultOf(source)}) res on true
		where ${options.initiativeId !== undefined ? sql`i.id = ${options.initiativeId}` : sql`true`}
		group by i.id, tm.name
		order by i.due_on, i.id`);
	return rowsOf<InitiativeRow>(rows).map((r) => ({
		...r,
		technologies: r.technologies.map((t) => ({
			...t,
			reached: t.reached === null ? null : Number(t.reached),
			answered: Number(t.answered)
		}))
	}));
}

export async function getInitiative(id: number) {
	const [row] = await db().select().from(initiative).where(eq(initiative.id, id));
	return row;
}

type Saved = { saved: number } | 'not-found' | 'stale' | 'team-gone';

/** Creates, updates (version-checked) or deletes an initiative, with its audit entry, all or nothing. */
export async function saveInitiative(actorId: number, input: InitiativeFields, existing?: { id: number; version: number }): Promise<Saved> {
	try {
		return await db().transaction(async (tx) => {
			if (!existing) {
				const [row] = await tx
					.insert(initiative)
					.values({ ...input, createdBy: actorId })
					.returning();
				await recordAudit(tx, { actorId, action: 'initiative.create', entity: 'initiative', entityId: row.id, after: input });
				return { saved: row.id };
			}
			const [before] = await tx.select().from(initiative).where(eq(initiative.id, existing.id)).for('update');
			if (!before) return 'not-found';
			if (before.version !== existing.version) return 'stale';
			await tx
				.update(initiative)
				.set({ ...input, version: before.version + 1, updatedAt: new Date() })
				.where(eq(initiative.id, existing.id));
			const { name, vectorKey, targetLevel, dueOn, category, teamId } = before;
			await recordAudit(tx, {
				actorId,
				action: 'initiative.update',
				entity: 'initiative',
				entityId: existing.id,
				before: { name, vectorKey, targetLevel, dueOn, category, teamId },
				after: input
			});
			return { saved: existing.id };
		});
	} catch (error) {
		// The team was deleted between the form's load and this save.
		if (sqlState(error) === FOREIGN_KEY_VIOLATION && /initiative_team_id/.test(String((error as Error)?.cause ?? error)))
			return 'team-gone';
		throw error;
	}
}

export async function deleteInitiative(actorId: number, id: number, version: number): Promise<'deleted' | 'not-found' | 'stale'> {
	return db().transaction(async (tx) => {
		const [before] = await tx.select().from(initiative).where(eq(initiative.id, id)).for('update');
		if (!before) return 'not-found';
		if (before.version !== version) return 'stale';
		await tx.delete(initiative).where(and(eq(initiative.id, id), eq(initiative.version, version)));
		await recordAudit(tx, { actorId, action: 'initiative.delete', entity: 'initiative', entityId: id, before });
		return 'deleted';
	});
}
