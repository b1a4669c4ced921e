import { and, desc, eq, sql } from 'drizzle-orm';
import { enoughAnswered, mayTellApart, shareableVector } from '#lib/domain/anonymity.ts';
import { distribution, vectorsToCalibrate, type Phase } from '#lib/domain/calibration.ts';
import { isSlug } from '#lib/domain/catalog.ts';
import { vectorsInLaneOrder } from '#lib/domain/framework.ts';
import { db } from '#lib/server/db/index.ts';
import { rowsOf, type Tx } from '#lib/server/db/client.ts';
import { calibratedVector, calibrationSession, calibrationVote } from '#lib/server/db/schema/index.ts';
import { getFramework } from './framework';
import { computeResults, type TechnologyResult } from './results';
import { getAnonymity } from './settings';

/** The topic a technology's calibration publishes on, in a round: every change, from any instance. */
export const calibrationTopic = (roundId: number, technologyId: number) => `calibration:${roundId}:${technologyId}`;

export type CalibrationPair = {
	round: { id: number; name: string; state: string; frameworkVersionId: number };
	technology: { id: number; slug: string; name: string };
};

/** The round and technology of a calibration page, when the technology is in the round's scope. */
export async function calibrationPair(roundId: number, slug: string): Promise<CalibrationPair | undefined> {
	if (!isSlug(slug)) return undefined;
	const rows = await db().execute(sql`
		select r.id as round_id, r.name as round_name, r.state, r.framework_version_id, t.id as technology_id, t.slug, t.name
		from round r join round_technology rt on rt.round_id = r.id join technology t on t.id = rt.technology_id
		where r.id = ${roundId} and t.slug = ${slug}`);
	const [row] = rowsOf<{
		round_id: number;
		round_name: string;
		state: string;
		framework_version_id: number;
		technology_id: number;
		slug: string;
		name: string;
	}>(rows);
	return row
		? {
				round: { id: Number(row.round_id), name: row.round_name, state: row.state, frameworkVersionId: Number(row.framework_version_id) },
				technology: { id: Number(row.technology_id), slug: row.slug, name: row.name }
			}
		: undefined;
}

/** Respondents who take part: still asked to score the technology, and submitted. */
export const participantsSql = (roundId: number, technologyId: number) => sql`
	select r.user_id from response r
	join assignment asg on asg.round_id = r.round_id and asg.technology_id = r.technology_id and asg.user_id = r.user_id
	where r.round_id = ${roundId} and r.technology_id = ${technologyId} and r.state = 'submitted'`;

export async function participants(q: Pick<Tx, 'execute'>, roundId: number, technologyId: number): Promise<number[]> {
	return rowsOf<{ user_id: number }>(await q.execute(participantsSql(roundId, technologyId))).map((r) => Number(r.user_id));
}

/** The vectors whose level was not agreed in calibration yet. */
export const uncalibrated = (vectors: TechnologyResult['vectors']) =>
	Object.fromEntries(Object.entries(vectors).filter(([, v]) => v.calibratedFrom === undefined));

/** The session running for the pair, else the last one that ended, else none. */
async function latestSession(q: Pick<Tx, 'select'>, roundId: number, technologyId: number) {
	const [row] = await q
		.select()
		.from(calibrationSession)
		.where(and(eq(calibrationSession.roundId, roundId), eq(calibrationSession.technologyId, technologyId)))
		.orderBy(desc(calibrationSession.id))
		.limit(1);
	return row;
}

/**
 * What one person sees of a technology's calibration: the session's step, the current vector's
 * original spread, how many have re-voted (their own vote, not others'), the votes once revealed,
 * and the levels agreed so far. Nothing here says who voted what. Below the anonymity threshold,
 * the first answers (per level, and their median and range), the disagreement flags and the
 * revealed re-votes per level are held back from those who may not see names (`seesNames`): with
 * two respondents, each could read the other's answer or vote off them.
 */
export async function calibrationState(pair: CalibrationPair, userId: number, seesNames = false) {
	const { round, technology } = pair;
	const [framework, people, session, agreedRows, [result], { threshold }] = await Promise.all([
		getFramework(round.frameworkVersionId),
		participants(db(), round.id, technology.id),
		latestSession(db(), round.id, technology.id),
		db()
			.select()
			.from(calibratedVector)
			.where(and(eq(calibratedVector.roundId, round.id), eq(calibratedVector.technologyId, technology.id))),
		computeResults({ roundId: round.id, technologyId: technology.id }),
		getAnonymity()
	]);
	const firstAnswersShown = enoughAnswered(people.length, threshold);
	// The figures of the first answers (per level, median, range, the disagreement flags, the medians agreed
	// levels replaced) follow the rule of every page: below the threshold, only for those who may see names.
	const reader = { seesNames, threshold };
	const figuresShown = mayTellApart(people.length, reader);
	const order = vectorsInLaneOrder(framework.vectors);
	const vectorNamed = (key: string) => order.find((v) => v.key === key);
	const currentKey = session && session.phase !== 'ended' ? session.vectorKeys[session.position] : undefined;
	let current = null;
	if (session && currentKey) {
		const [votes, answers] = await Promise.all([
			db()
				.select({ userId: calibrationVote.userId, score: calibrationVote.score })
				.from(calibrationVote)
				.where(and(eq(calibrationVote.sessionId, session.id), eq(calibrationVote.vectorKey, currentKey))),
			db().execute(sql`
				select a.score from answer a join response r on r.id = a.response_id
				where r.round_id = ${round.id} and r.technology_id = ${technology.id} and a.vector_key = ${currentKey}
					and a.score is not null and r.user_id in (${participantsSql(round.id, technology.id)})`)
		]);
		const counted = votes.filter((v) => people.includes(v.userId));
		const original = rowsOf<{ score: number }>(answers).map((r) => Number(r.score));
		const v = vectorNamed(currentKey);
		current = {
			key: currentKey,
			name: v?.name ?? currentKey,
			description: v?.description ?? '',
			anchors: v?.anchors ?? [],
			statistics: result?.vectors[currentKey] ? shareableVector(result.vectors[currentKey], people.length, reader) : null,
			originalDistribution: figuresShown ? distribution(original) : null,
			votes: counted.length,
			myVote: counted.find((x) => x.userId === userId)?.score ?? null,
			// The re-votes per level follow the same rule: with two participants each reads the other's vote off
			// them. Below the threshold, only those who may see names get them; the others learn the agreed level.
			revealed: session.phase === 'revealed' && figuresShown ? distribution(counted.map((x) => x.score)) : null,
			revealHeld: session.phase === 'revealed' && !figuresShown
		};
	}
	return {
		participants: people.length,
		// Said on the page: who may not see the first answers per level, and why.
		firstAnswersHeld: firstAnswersShown ? null : { threshold, fromRespondents: !seesNames },
		figuresShown,
		isParticipant: people.includes(userId),
		flagged:
			result && figuresShown
				? vectorsToCalibrate(
						order.map((v) => v.key),
						uncalibrated(result.vectors)
					).map((k) => ({ key: k, name: vectorNamed(k)?.name ?? k }))
				: [],
		session: session
			? {
					id: session.id,
					version: session.version,
					phase: session.phase as Phase,
					position: session.position,
					vectors: session.vectorKeys.map((k) => ({ key: k, name: vectorNamed(k)?.name ?? k })),
					current
				}
			: null,
		agreed: agreedRows.map((a) => ({
			key: a.vectorKey,
			name: vectorNamed(a.vectorKey)?.name ?? a.vectorKey,
			level: a.level,
			from: figuresShown ? (result?.vectors[a.vectorKey]?.calibratedFrom ?? null) : null,
			note: a.note
		}))
	};
}

export type CalibrationState = Awaited<ReturnType<typeof calibrationState>>;

/**
 * The sessions running now in open rounds that `userId` can vote in (asked to score the technology,
 * and submitted): what their dashboard invites them to join.
 */
export async function runningCalibrationsFor(userId: number) {
	const rows = await db().execute(sql`
		select r.id as round_id, r.name as round_name, t.slug, t.name as technology
		from calibration_session s
		join round r on r.id = s.round_id and r.state = 'open'
		join technology t on t.id = s.technology_id
		join response resp on resp.round_id = s.round_id and resp.technology_id = s.technology_id and resp.user_id = ${userId}
			and resp.state = 'submitted'
		join assignment a on a.round_id = s.round_id and a.technology_id = s.technology_id and a.user_id = ${userId}
		where s.phase <> 'ended'
		order by r.id, t.name`);
	return rowsOf<{ round_id: number; round_name: string; slug: string; technology: string }>(rows).map((r) => ({
		roundId: Number(r.round_id),
		roundName: r.round_name,
		slug: r.slug,
		technology: r.technology
	}));
}
