import { sql } from 'drizzle-orm';
import { can } from '../auth/policy';
import type { SessionUser } from '../auth/session';
import { db } from '../db';
import { rowsOf } from '../db/client';
import type { TechnologyLinks } from '../db/schema/catalog';
import { technologyBacklog } from '../queries/backlog';
import { getFramework } from '../queries/framework';
import { assignablePeople } from '../queries/round-scope';
import { technologyComments, type TechnologyResult } from '../queries/results';
import { ANONYMITY_KEY, anonymityThreshold } from '../queries/settings';
import { ownProgress, type CoveringInitiative } from './initiatives';
import { coversTechnology, vectorNameOf } from '../queries/initiatives';
import { chooseResultsRound } from '#lib/domain/round-choice.ts';
import { isSlug, type Lifecycle } from '#lib/domain/catalog.ts';
import { backlogWithheldNote, mayTellApart, shareableResult } from '#lib/domain/anonymity.ts';
import { ratingSource } from '#lib/domain/rating-source.ts';

type PageRound = {
	id: number;
	name: string;
	state: 'open' | 'closed';
	closedAt: string | null;
	frameworkVersionId: number;
	result: TechnologyResult | null;
};
type Row = {
	id: number;
	slug: string;
	name: string;
	category: string;
	lifecycle: Lifecycle;
	targetLevel: number;
	teamName: string | null;
	description: string;
	links: TechnologyLinks;
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
async function technologyWithRounds(slug: string): Promise<Row | undefined> {
	const rows = await db().execute(sql`
		select t.id, t.slug, t.name, t.category, t.lifecycle, t.target_level as "targetLevel", tm.name as "teamName",
			t.description, t.links,
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
	return rowsOf<Row>(rows)[0];
}

/** What /technologies/[slug] shows, for `user`, in the round asked for (default: the newest closed one). */
export async function technologyPage(user: SessionUser, slug: string, wantedRound: number | null) {
	const found = isSlug(slug) ? await technologyWithRounds(slug) : undefined;
	if (!found) return undefined;
	const { rounds, anonymity, initiatives, ...technology } = found;
	const rated = rounds.map((r) => ({ ...r, rated: r.result?.rating ? 1 : 0 }));
	const { round: selected, previous } = chooseResultsRound(rated, wantedRound);
	const seeRespondents = can(user, 'seeRespondents');
	const threshold = anonymityThreshold(anonymity);
	const reader = { seesNames: seeRespondents, threshold };
	const answered = selected?.result?.submitted ?? 0;
	const commentsShown = mayTellApart(answered, reader);
	// Both rounds' figures as this reader may see them: a change against last round would give its medians away.
	const result = selected?.result ? shareableResult(selected.result, reader) : null;
	const previousResult = previous?.result ? shareableResult(previous.result, reader) : null;
	const [framework, comments, allItems, people] = await Promise.all([
		getFramework(selected?.frameworkVersionId),
		selected && commentsShown ? technologyComments(selected.id, technology.id) : Promise.resolve([]),
		technologyBacklog(technology.id),
		can(user, 'editBacklog') ? assignablePeople() : Promise.resolve([])
	]);
	const backlog = allItems.filter((b) => mayTellApart(b.answered, reader));
	return {
		technology,
		canEdit: can(user, 'editCatalog'),
		// While the round is open, its respondents and leads can talk a disagreement through.
		calibrate:
			selected?.state === 'open' && can(user, 'score') && Object.values(result?.vectors ?? {}).some((v) => v.disagreement)
				? `/rounds/${selected.id}/calibrate/${technology.slug}`
				: null,
		rounds: rounds.map((r) => ({ id: r.id, name: r.name, state: r.state })),
		selected: selected
			? {
					id: selected.id,
					name: selected.name,
					state: selected.state,
					result,
					// Which round the rating comes from, how long ago, and whether it rests on too few people.
					source: ratingSource(selected, answered, threshold, new Date())
				}
			: null,
		previous: previous ? { id: previous.id, name: previous.name, result: previousResult } : null,
		trend: [...rounds].reverse().map((r) => ({ label: r.name, rating: r.result?.rating?.rating ?? null })),
		// Only what the page draws: the level texts and each vector's name and lane, not the framework's anchors.
		vectors: framework.vectors.map((v) => ({ key: v.key, name: v.name, lane: v.lane })),
		levels: framework.levels,
		// Members see what was said, not who said it.
		comments: comments.map((c) => ({ ...c, name: seeRespondents ? c.name : null })),
		// Said when comments are held back, so an empty list is not read as "nobody commented".
		commentsWithheld: selected && !commentsShown ? { answered, threshold } : null,
		// A met item leaves the open list; it is listed apart with the level it reached.
		backlog: { open: backlog.filter((b) => !b.metRoundName), met: backlog.filter((b) => b.metRoundName) },
		// Items read off a rating below the threshold are left out for this reader; said, so an empty list is not read as "nothing to do".
		backlogWithheld: allItems.length > backlog.length ? backlogWithheldNote(allItems.length - backlog.length, threshold) : null,
		people,
		// Each covering initiative's progress is this technology's own, from its newest closed, rated round.
		initiatives: ownProgress(initiatives, rounds.find((r) => r.state === 'closed' && r.result?.rating)?.result ?? null, reader)
	};
}
