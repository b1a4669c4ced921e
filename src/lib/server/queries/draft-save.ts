import { sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { rowsOf } from '#lib/server/db/client.ts';
import type { Answer } from '#lib/domain/assessment.ts';
import type { SaveOutcome } from './responses';

/** Whose draft: the technology by the slug in the page's address (the statement looks it up itself). */
export type DraftKey = { roundId: number; userId: number; slug: string };

type Row = {
	found: boolean;
	open: boolean;
	assigned: boolean;
	current_version: number | null;
	current_state: 'draft' | 'submitted' | null;
	saved_version: number | null;
};

/**
 * Saves a draft (an autosave) in one statement, with every check of `submitResponse`: the round
 * is open (its row share-locked, so a close waits for the save or wins), the respondent is
 * assigned (that row key-share locked, so a removal is never missed), the response is still a draft at the version the form was made on (its row locked,
 * so two tabs cannot both win). The version bump, the answers and an audit row of what changed
 * land together or not at all: each write reads the row the version bump returned.
 * Submitting stays in `submitResponse`, which also checks completeness and refreshes results.
 */
export async function saveDraft(
	key: DraftKey,
	expectedVersion: number,
	answers: Record<string, Answer>
): Promise<SaveOutcome | { status: 'no-technology' }> {
	const input = JSON.stringify(
		Object.entries(answers).map(([vectorKey, a]) => ({
			vector_key: vectorKey,
			score: a.score,
			dont_know: a.dontKnow,
			comment: a.comment,
			evidence_url: a.evidenceUrl
		}))
	);
	const { roundId, userId } = key;
	const technologyId = sql`(select id from tech)`;
	const result = await db().execute(sql`
		with tech as (select id from technology where slug = ${key.slug}),
		input as (
			select * from jsonb_to_recordset(${input}::jsonb)
				as x(vector_key text, score smallint, dont_know boolean, comment text, evidence_url text)
		),
		open_round as (select id from round where id = ${roundId} and state = 'open' for share),
		-- Key-share locked: a removal that deleted it meanwhile is seen (the row drops out), and one that has not yet waits.
		assigned as (
			select 1 from assignment where round_id = ${roundId} and technology_id = ${technologyId} and user_id = ${userId}
			for key share
		),
		allowed as (select 1 where exists (select from open_round) and exists (select from assigned)),
		existing as (
			select id, version, state from response
			where round_id = ${roundId} and technology_id = ${technologyId} and user_id = ${userId} for update
		),
		bumped as (
			update response set version = existing.version + 1, updated_at = now()
			from existing, allowed
			where response.id = existing.id and existing.version = ${expectedVersion} and existing.state = 'draft'
			returning response.id, response.version
		),
		created as (
			insert into response (round_id, technology_id, user_id, version, state, updated_at)
			select ${roundId}, ${technologyId}, ${userId}, 1, 'draft', now() from allowed
			where ${expectedVersion}::int = 0 and not exists (select from existing)
			-- Another tab created it a moment ago: this save is stale by definition.
			on conflict do nothing
			returning id, version
		),
		target as (select id, version from bumped union all select id, version from created),
		-- Each answer as it was, looked up by its primary key. The "limit 1" (one row at most anyway) keeps the lateral
		-- subquery from being flattened into a join, which the planner ran as a scan of every answer to that vector in
		-- every response (the cost grew with the answers kept).
		changed as (
			select target.id, i.vector_key,
				jsonb_build_object('score', b.score, 'dontKnow', coalesce(b.dont_know, false),
					'comment', coalesce(b.comment, ''), 'evidenceUrl', coalesce(b.evidence_url, '')) as before,
				jsonb_build_object('score', i.score, 'dontKnow', i.dont_know, 'comment', i.comment, 'evidenceUrl', i.evidence_url) as after
			from target cross join input i left join lateral (
				select a.score, a.dont_know, a.comment, a.evidence_url from answer a
				where a.response_id = target.id and a.vector_key = i.vector_key limit 1
			) b on true
			where (b.score, coalesce(b.dont_know, false), coalesce(b.comment, ''), coalesce(b.evidence_url, ''))
				is distinct from (i.score, i.dont_know, i.comment, i.evidence_url)
		),
		written as (
			insert into answer (response_id, vector_key, score, dont_know, comment, evidence_url)
			select target.id, i.vector_key, i.score, i.dont_know, i.comment, i.evidence_url from target, input i
			on conflict (response_id, vector_key) do update set score = excluded.score, dont_know = excluded.dont_know,
				comment = excluded.comment, evidence_url = excluded.evidence_url
		),
		audited as (
			insert into audit_log (actor_id, action, entity, entity_id, before, after)
			select ${userId}, 'response.save', 'response', c.id::text, jsonb_object_agg(c.vector_key, c.before),
				jsonb_object_agg(c.vector_key, c.after)
			from changed c group by c.id
		)
		select exists (select from tech) as found, exists (select from open_round) as open, exists (select from assigned) as assigned,
			(select version from existing) as current_version, (select state from existing) as current_state,
			(select version from target) as saved_version`);
	const [row] = rowsOf<Row>(result);
	if (!row.found) return { status: 'no-technology' };
	if (!row.open) return { status: 'round-not-open' };
	if (!row.assigned) return { status: 'not-assigned' };
	const current = row.current_version ?? 0;
	if (current !== expectedVersion) return { status: 'stale', version: current };
	if (row.current_state === 'submitted') return { status: 'submitted' };
	if (row.saved_version === null) return { status: 'stale', version: 1 };
	return { status: 'saved', version: Number(row.saved_version), state: 'draft' };
}
