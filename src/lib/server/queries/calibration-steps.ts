import { and, eq, sql } from 'drizzle-orm';
import { advance, vectorsToCalibrate, votesToReveal, type Phase } from '#lib/domain/calibration.ts';
import { vectorsInLaneOrder } from '#lib/domain/framework.ts';
import { db } from '#lib/server/db/index.ts';
import { rowsOf, type Tx } from '#lib/server/db/client.ts';
import { publish } from '#lib/server/db/notify.ts';
import { sendMail } from '#lib/server/jobs/mail-jobs.ts';
import { calibratedVector, calibrationSession, calibrationVote } from '#lib/server/db/schema/index.ts';
import { recordAudit } from './audit';
import { calibrationTopic, participants, participantsSql, uncalibrated, type CalibrationPair } from './calibration';
import { getFramework } from './framework';
import { recordCalibrationStartedMail } from './mail-occasions';
import { computeResults, refreshResults } from './results';
import { getAnonymity } from './settings';
import { factsOf } from './signals';
import { factsByVector } from '#lib/domain/signals.ts';

// The steps of a live calibration session: start, vote, and the lead's reveal, agree, re-vote, skip and end.
// Each is version-checked and published to every instance; calibration.ts reads the state they leave.

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
	const [framework, facts] = await Promise.all([getFramework(round.frameworkVersionId), factsOf([technology.id])]);
	let mail: number[] = [];
	const outcome = await db().transaction(async (tx): Promise<Outcome> => {
		if (!(await roundOpen(tx, round.id))) return { refused: 'round-not-open' };
		const [result] = await computeResults({ roundId: round.id, technologyId: technology.id }, tx);
		// Vectors already agreed in an earlier session are settled; only open disagreements are walked through: between
		// people, or between people and the facts.
		const open = uncalibrated(result?.vectors ?? {});
		// The same rule as the pages' flag: a median two levels or more from what its facts suggest.
		const fromFacts = factsByVector(
			facts.get(technology.id) ?? [],
			Object.fromEntries(Object.entries(open).map(([key, v]) => [key, v.median]))
		);
		const flagged = Object.entries(open).map(([key, v]) => [key, { disagreement: v.disagreement || !!fromFacts[key]?.disagrees }]);
		const keys = vectorsToCalibrate(
			vectorsInLaneOrder(framework.vectors).map((v) => v.key),
			Object.fromEntries(flagged)
		);
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
