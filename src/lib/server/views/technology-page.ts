import { can } from '../auth/policy';
import type { SessionUser } from '../auth/session';
import { technologyBacklog } from '../queries/backlog';
import { getFramework } from '../queries/framework';
import { assignablePeople } from '../queries/round-scope';
import { technologyComments } from '../queries/results';
import { anonymityThreshold } from '../queries/settings';
import { ownProgress } from './initiatives';
import { technologyWithRounds } from '../queries/technology-page';
import { chooseResultsRound } from '#lib/domain/round-choice.ts';
import { isSlug } from '#lib/domain/catalog.ts';
import { backlogWithheldNote, mayTellApart, shareableResult } from '#lib/domain/anonymity.ts';
import { ratingSource } from '#lib/domain/rating-source.ts';
import { factsOf } from '../queries/signals';
import { factsByVector } from '#lib/domain/signals.ts';
import { cadenceOf, dueOf } from '#lib/domain/cadence.ts';
import { getCadenceSetting } from '../queries/settings';

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
	const now = new Date();
	const [framework, comments, allItems, people, facts, cadence] = await Promise.all([
		getFramework(selected?.frameworkVersionId),
		selected && commentsShown ? technologyComments(selected.id, technology.id) : Promise.resolve([]),
		technologyBacklog(technology.id),
		can(user, 'editBacklog') ? assignablePeople() : Promise.resolve([]),
		factsOf([technology.id], now),
		getCadenceSetting()
	]);
	// The rating ages from the newest closed round that rated it, whichever round the page shows.
	const lastRated = rounds.find((r) => r.state === 'closed' && r.result?.rating && r.closedAt);
	const cadenceDays = cadenceOf(technology, cadence);
	// Facts beside the vectors, flagged where the median this reader may see is two levels from them.
	const medians = Object.fromEntries(Object.entries(result?.vectors ?? {}).map(([key, v]) => [key, v.median]));
	const vectorFacts = factsByVector(facts.get(technology.id) ?? [], medians);
	const backlog = allItems.filter((b) => mayTellApart(b.answered, reader));
	return {
		technology,
		canEdit: can(user, 'editCatalog'),
		// While the round is open, its respondents and leads can talk a disagreement through.
		calibrate:
			selected?.state === 'open' &&
			can(user, 'score') &&
			(Object.values(result?.vectors ?? {}).some((v) => v.disagreement) || Object.values(vectorFacts).some((f) => f.disagrees))
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
					source: ratingSource(selected, answered, threshold, now)
				}
			: null,
		previous: previous ? { id: previous.id, name: previous.name, result: previousResult } : null,
		trend: [...rounds].reverse().map((r) => ({ label: r.name, rating: r.result?.rating?.rating ?? null })),
		// Only what the page draws: each vector's name and lane, and the text of the level reached, not the framework's anchors.
		vectors: framework.vectors.map((v) => ({ key: v.key, name: v.name, lane: v.lane })),
		levelText: result?.rating ? framework.levels[result.rating.level] : null,
		facts: vectorFacts,
		// "As of 2026 Q3, 5 months ago; overdue by 12 days": a rating past its cadence looks old.
		age: lastRated
			? {
					roundName: lastRated.name,
					age: ratingSource(lastRated, 0, threshold, now).label,
					due: dueOf(lastRated.closedAt!, cadenceDays, now),
					cadenceDays
				}
			: null,
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
