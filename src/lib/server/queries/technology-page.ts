import { sql } from 'drizzle-orm';
import type { Lifecycle } from '#lib/domain/catalog.ts';
import type { InitiativeGoal } from '#lib/domain/initiatives.ts';
import { db } from '../db';
import { rowsOf } from '../db/client';
import type { TechnologyLinks } from '../db/schema/catalog';
import { coversTechnology, vectorNameOf } from './initiatives';
import type { TechnologyResult } from './results';
import { ANONYMITY_KEY } from './settings';

export type CoveringInitiative = InitiativeGoal & {
	id: number;
	name: string;
	vectorName: string | null;
	category: string | null;
	teamName: string | null;
};

export type PageRound = {
	id: number;
	name: string;
	state: 'open' | 'closed';
	closedAt: string | null;
	frameworkVersionId: number;
	result: TechnologyResult | null;
};
export type TechnologyWithRounds = {
	id: number;
	slug: string;
	name: string;
	category: string;
	lifecycle: Lifecycle;
	targetLevel: number;
	teamName: string | null;
	description: string;
	links: TechnologyLinks;
	runningVersion: string;
	/** Its own reassessment cadence in days; null: its category's. */
	reassessDays: number | null;
	rounds: PageRound[];
	/** The anonymity setting as stored, read in the same statement. */
	anonymity: unknown;
	/** The initiatives whose set holds this technology, read in the same statement. */
	initiatives: CoveringInitiative[];
};

/**
 * A technology with every open or closed round it took part in, newest first, each with its
 * stored result (kept current by every write that changes one, see `refreshResults`): one statement.
 */
export async function technologyWithRounds(slug: string): Promise<TechnologyWithRounds | undefined> {
	const rows = await db().execute(sql`
		select t.id, t.slug, t.name, t.category, t.lifecycle, t.target_level as "targetLevel", tm.name as "teamName",
			t.description, t.links, t.running_version as "runningVersion", t.reassess_days as "reassessDays",
			coalesce((
				select json_agg(json_build_object('id', r.id, 'name', r.name, 'state', r.state, 'closedAt', r.closed_at,
						'frameworkVersionId', r.framework_version_id, 'result', rr.result) order by r.created_at desc, r.id desc)
				from round_technology rt
				join round r on r.id = rt.round_id
				left join round_result rr on rr.round_id = rt.round_id and rr.technology_id = rt.technology_id
				where rt.technology_id = t.id and r.state <> 'draft'
			), '[]') as rounds,
			(select value from setting where key = ${ANONYMITY_KEY}) as anonymity,
			coalesce((
				select json_agg(json_build_object('id', i.id, 'name', i.name, 'vectorKey', i.vector_key, 'vectorName', ${vectorNameOf},
						'targetLevel', i.target_level, 'dueOn', to_char(i.due_on, 'YYYY-MM-DD'), 'category', i.category,
						'teamName', itm.name) order by i.due_on, i.id)
				from initiative i left join team itm on itm.id = i.team_id
				where ${coversTechnology}
			), '[]') as initiatives
		from technology t left join team tm on tm.id = t.team_id
		where t.slug = ${slug}`);
	return rowsOf<TechnologyWithRounds>(rows)[0];
}
