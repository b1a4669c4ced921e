import { and, desc, eq, sql } from 'drizzle-orm';
import { enoughAnswered, mayTellApart, shareableVector } from '#lib/domain/anonymity.ts';
import { advance, distribution, vectorsToCalibrate, votesToReveal, type Phase } from '#lib/domain/calibration.ts';
import { isSlug } from '#lib/domain/catalog.ts';
import { vectorsInLaneOrder } from '#lib/domain/framework.ts';
import { db } from '#lib/server/db/index.ts';
import { rowsOf, type Tx } from '#lib/server/db/client.ts';
import { publish } from '#lib/server/db/notify.ts';
import { sendMail } from '#lib/server/jobs/mail-jobs.ts';
import { calibratedVector, calibrationSession, calibrationVote } from '#lib/server/db/schema/index.ts';
import { recordAudit } from './audit';
import { getFramework } from './framework';
import { recordCalibrationStartedMail } from './mail-occasions';
import { computeResults, refreshResults, type TechnologyResult } from './results';
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
const participantsSql = (roundId: number, technologyId: number) => sql`
	select r.user_id from response r
	join assignment asg on asg.round_id = r.round_id and asg.technology_id = r.technology_id and asg.user_id = r.user_id
	where r.round_id = ${roundId} and r.technology_id = ${technologyId} and r.state = 'submitted'`;

async function participants(q: Pick<Tx, 'execute'>, roundId: number, technologyId: number): Promise<number[]> {
	return rowsOf<{ user_id: number }>(await q.execute(participantsSql(roundId, technologyId))).map((r) => Number(r.user_id));
}

/** The vectors whose level was not agreed in calibration yet. */
const uncalibrated = (vectors: TechnologyResult['vectors']) =>
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

type Refusal =
	| 'round-not-open'
	| 'no-disagreement'
	| 'already-running'
	| 'no-session'
	| 'stale'
	| 'not-voting'
	| 'not-revealed'
	| 'moved-on'
	| 'not-participant'
	| 'too-few-votes';
type Outcome = { done: true } | { refused: Refusal };

/** Locks the pair's round against closing while a calibration step writes, and says whether it is open. */
async function roundOpen(tx: Tx, roundId: number) {
	const rows = await tx.execute(sql`select state from round where id = ${roundId} for share`);
	return rowsOf<{ state: string }>(rows)[0]?.state === 'open';
}

/**
 * A lead starts a session for a technology whose answers disagree on at least one vector. Its
 * respondents are emailed (recorded with the session, sent once it is committed).
 */
export async function startCalibration(leadId: number, pair: CalibrationPair): Promise<Outcome> {
	const { round, technology } = pair;
	const framework = await getFramework(round.frameworkVersionId);
	let mail: number[] = [];
	const outcome = await db().transaction(async (tx): Promise<Outcome> => {
		if (!(await roundOpen(tx, round.id))) return { refused: 'round-not-open' };
		const [result] = await computeResults({ roundId: round.id, technologyId: technology.id }, tx);
		// Vectors already agreed in an earlier session are settled; only open disagreements are walked through.
		const keys = result
			? vectorsToCalibrate(
					vectorsInLaneOrder(framework.vectors).map((v) => v.key),
					uncalibrated(result.vectors)
				)
			: [];
		if (!keys.length) return { refused: 'no-disagreement' };
		const [created] = await tx
			.insert(calibrationSession)
			.values({ roundId: round.id, technologyId: technology.id, leadId, vectorKeys: keys })
			.onConflictDoNothing()
			.returning({ id: calibrationSession.id });
		if (!created) return { refused: 'already-running' };
		await recordAudit(tx, {
			actorId: leadId,
			action: 'calibration.start',
			entity: 'technology',
			entityId: technology.id,
			after: { roundId: round.id, vectors: keys }
		});
		const names = new Map(framework.vectors.map((v) => [v.key, v.name]));
		mail = await recordCalibrationStartedMail(tx, {
			id: created.id,
			roundId: round.id,
			technologyId: technology.id,
			leadId,
			vectors: keys.map((k) => names.get(k) ?? k)
		});
		await publish(tx, calibrationTopic(round.id, technology.id), 'started');
		return { done: true };
	});
	if ('done' in outcome) await sendMail(mail);
	return outcome;
}

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

/** A participant's secret vote on the vector under discussion; `vectorKey` is the one their page showed. */
export async function castVote(
	userId: number,
	pair: CalibrationPair,
	sessionId: number,
	vectorKey: string,
	score: number
): Promise<Outcome> {
	const { round, technology } = pair;
	return db().transaction(async (tx) => {
		if (!(await roundOpen(tx, round.id))) return { refused: 'round-not-open' };
		// Shared with other votes, exclusive with a lead's step: a vote cannot land after a reveal or a re-vote it did not see.
		const [session] = await tx.select().from(calibrationSession).where(eq(calibrationSession.id, sessionId)).for('share');
		if (!session || session.roundId !== round.id || session.technologyId !== technology.id || session.phase === 'ended')
			return { refused: 'no-session' };
		if (session.vectorKeys[session.position] !== vectorKey) return { refused: 'moved-on' };
		if (session.phase !== 'voting') return { refused: 'not-voting' };
		if (!(await participants(tx, round.id, technology.id)).includes(userId)) return { refused: 'not-participant' };
		await tx
			.insert(calibrationVote)
			.values({ sessionId: session.id, vectorKey, userId, score })
			.onConflictDoUpdate({
				target: [calibrationVote.sessionId, calibrationVote.vectorKey, calibrationVote.userId],
				set: { score, votedAt: new Date() }
			});
		await publish(tx, calibrationTopic(round.id, technology.id), 'vote');
		return { done: true };
	});
}

export type LeadStep =
	{ kind: 'reveal' } | { kind: 'revote' } | { kind: 'agree'; level: number; note: string } | { kind: 'skip' } | { kind: 'end' };

/**
 * A lead's step, made against the session `version` their page showed: when another lead moved
 * the session meanwhile, nothing is written and the answer is 'stale'.
 */
export async function leadStep(
	leadId: number,
	pair: CalibrationPair,
	at: { sessionId: number; version: number },
	step: LeadStep
): Promise<Outcome> {
	const { round, technology } = pair;
	// Read before the transaction: on the embedded database a read outside it would wait for it to end.
	const threshold = step.kind === 'reveal' ? (await getAnonymity()).threshold : 0;
	return db().transaction(async (tx) => {
		if (!(await roundOpen(tx, round.id))) return { refused: 'round-not-open' };
		const [session] = await tx
			.select()
			.from(calibrationSession)
			.where(and(eq(calibrationSession.roundId, round.id), eq(calibrationSession.technologyId, technology.id), sql`phase <> 'ended'`))
			.for('update');
		if (!session) return { refused: 'no-session' };
		// Another session (a newer one, after the page's ended) or another step of this one: the page is out of date.
		if (session.id !== at.sessionId || session.version !== at.version) return { refused: 'stale' };
		const key = session.vectorKeys[session.position];
		let next: { position: number; phase: Phase } = { position: session.position, phase: session.phase as Phase };
		if (step.kind === 'reveal') {
			if (session.phase !== 'voting') return { refused: 'not-voting' };
			const [{ votes }] = rowsOf<{ votes: number }>(
				await tx.execute(sql`select count(*)::int as votes from calibration_vote
					where session_id = ${session.id} and vector_key = ${key} and user_id in (${participantsSql(round.id, technology.id)})`)
			);
			const people = (await participants(tx, round.id, technology.id)).length;
			if (Number(votes) < votesToReveal(people, threshold)) return { refused: 'too-few-votes' };
			next = { ...next, phase: 'revealed' };
		} else if (step.kind === 'revote') {
			if (session.phase !== 'revealed') return { refused: 'not-revealed' };
			await tx.delete(calibrationVote).where(and(eq(calibrationVote.sessionId, session.id), eq(calibrationVote.vectorKey, key)));
			next = { ...next, phase: 'voting' };
		} else if (step.kind === 'agree') {
			if (session.phase !== 'revealed') return { refused: 'not-revealed' };
			const [before] = await tx
				.select()
				.from(calibratedVector)
				.where(
					and(eq(calibratedVector.roundId, round.id), eq(calibratedVector.technologyId, technology.id), eq(calibratedVector.vectorKey, key))
				);
			const values = { level: step.level, note: step.note, sessionId: session.id, agreedBy: leadId, agreedAt: new Date() };
			await tx
				.insert(calibratedVector)
				.values({ roundId: round.id, technologyId: technology.id, vectorKey: key, ...values })
				.onConflictDoUpdate({ target: [calibratedVector.roundId, calibratedVector.technologyId, calibratedVector.vectorKey], set: values });
			await recordAudit(tx, {
				actorId: leadId,
				action: 'calibration.agree',
				entity: 'technology',
				entityId: technology.id,
				before: before ? { vector: key, level: before.level, note: before.note } : { vector: key },
				after: { roundId: round.id, vector: key, level: step.level, note: step.note }
			});
			// The round's provisional results show the agreed level at once; closing builds the backlog from them.
			await refreshResults(tx, { roundId: round.id, technologyId: technology.id });
			next = advance(session.position, session.vectorKeys.length);
		} else if (step.kind === 'skip') {
			next = advance(session.position, session.vectorKeys.length);
		} else {
			next = { ...next, phase: 'ended' };
		}
		await tx
			.update(calibrationSession)
			.set({ ...next, version: session.version + 1, updatedAt: new Date() })
			.where(eq(calibrationSession.id, session.id));
		if (next.phase === 'ended')
			await recordAudit(tx, {
				actorId: leadId,
				action: 'calibration.end',
				entity: 'technology',
				entityId: technology.id,
				after: { roundId: round.id }
			});
		await publish(tx, calibrationTopic(round.id, technology.id), String(session.version + 1));
		return { done: true };
	});
}
