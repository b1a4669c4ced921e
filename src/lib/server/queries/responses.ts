import { and, asc, eq, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { rowsOf } from '#lib/server/db/client.ts';
import { answer, appUser, assignment, response, round, technology } from '#lib/server/db/schema/index.ts';
import { changedAnswers, progressOf, type Answer } from '#lib/domain/assessment.ts';
import { recordAudit } from './audit';
import { recordWebhookEvent } from './webhooks';
import { sendWebhooks } from '#lib/server/jobs/webhook-jobs.ts';
import { refreshResults } from './results';

export type ResponseKey = { roundId: number; technologyId: number; userId: number };

const assignmentOf = (key: ResponseKey) =>
	and(eq(assignment.roundId, key.roundId), eq(assignment.technologyId, key.technologyId), eq(assignment.userId, key.userId));
const responseOf = (key: ResponseKey) =>
	and(eq(response.roundId, key.roundId), eq(response.technologyId, key.technologyId), eq(response.userId, key.userId));

/** Joins each assignment to its respondent's response, when one exists yet. */
export const responseOfAssignment = and(
	eq(response.roundId, assignment.roundId),
	eq(response.technologyId, assignment.technologyId),
	eq(response.userId, assignment.userId)
);

/** How many vectors a response answers (a score or "don't know"); a comment alone does not count. */
export const answeredCount =
	sql<number>`coalesce((select count(*) from ${answer} where ${answer.responseId} = ${response.id} and (${answer.score} is not null or ${answer.dontKnow})), 0)`.mapWith(
		Number
	);

export async function isAssigned(key: ResponseKey): Promise<boolean> {
	const [row] = await db().select({ userId: assignment.userId }).from(assignment).where(assignmentOf(key));
	return !!row;
}

/** One respondent's response with answers keyed by vector; version 0 means nothing saved yet. */
export async function getResponse(key: ResponseKey) {
	const [row] = await db()
		.select({
			id: response.id,
			state: response.state,
			version: response.version,
			submittedAt: response.submittedAt,
			updatedAt: response.updatedAt
		})
		.from(response)
		.where(responseOf(key));
	if (!row)
		return { id: null, state: 'draft' as const, version: 0, submittedAt: null, updatedAt: null, answers: {} as Record<string, Answer> };
	return { ...row, answers: await answersOf(row.id) };
}

async function answersOf(responseId: number, q = db()): Promise<Record<string, Answer>> {
	const rows = await q
		.select({
			key: answer.vectorKey,
			score: answer.score,
			dontKnow: answer.dontKnow,
			comment: answer.comment,
			evidenceUrl: answer.evidenceUrl
		})
		.from(answer)
		.where(eq(answer.responseId, responseId));
	return Object.fromEntries(rows.map(({ key, ...a }) => [key, a]));
}

export type SaveOutcome =
	| { status: 'saved'; version: number; state: 'draft' | 'submitted' }
	| { status: 'stale'; version: number }
	| { status: 'round-not-open' }
	| { status: 'not-assigned' }
	| { status: 'submitted' }
	| { status: 'incomplete'; version: number; missing: string[] };

/**
 * Stores a respondent's answers and submits them, if they were made on the latest version; a
 * write from an older tab is refused rather than overwriting newer answers. Round state and
 * assignment are checked inside the transaction, so a round closing concurrently cannot let a
 * late write in. An incomplete submit keeps what was typed, as a draft. (Drafts alone are saved
 * by `saveDraft`, in one statement.)
 */
export async function submitResponse(
	key: ResponseKey,
	input: { expectedVersion: number; answers: Record<string, Answer>; vectorKeys: string[] }
): Promise<SaveOutcome> {
	let hooks: number[] = [];
	const outcome = await db().transaction(async (tx): Promise<SaveOutcome> => {
		const [r] = await tx.select({ state: round.state }).from(round).where(eq(round.id, key.roundId)).for('share');
		if (r?.state !== 'open') return { status: 'round-not-open' };
		const [assigned] = await tx.select({ userId: assignment.userId }).from(assignment).where(assignmentOf(key));
		if (!assigned) return { status: 'not-assigned' };

		let [current] = await tx
			.select({ id: response.id, version: response.version, state: response.state })
			.from(response)
			.where(responseOf(key))
			.for('update');
		if ((current?.version ?? 0) !== input.expectedVersion) return { status: 'stale', version: current?.version ?? 0 };
		if (current?.state === 'submitted') return { status: 'submitted' };
		if (!current) {
			const inserted = await tx
				.insert(response)
				.values({ ...key, version: 0 })
				.onConflictDoNothing()
				.returning({ id: response.id, version: response.version, state: response.state });
			// Another tab created it a moment ago: this one is stale by definition.
			if (!inserted.length) return { status: 'stale', version: 1 };
			current = inserted[0];
		}

		const before = await answersOf(current.id, tx as never);
		const merged = { ...before, ...input.answers };
		const { missing } = progressOf(input.vectorKeys, merged);
		const submit = missing.length === 0;
		const rows = Object.entries(input.answers).map(([vectorKey, a]) => ({ responseId: current.id, vectorKey, ...a }));
		if (rows.length)
			await tx
				.insert(answer)
				.values(rows)
				.onConflictDoUpdate({
					target: [answer.responseId, answer.vectorKey],
					set: {
						score: sql`excluded.score`,
						dontKnow: sql`excluded.dont_know`,
						comment: sql`excluded.comment`,
						evidenceUrl: sql`excluded.evidence_url`
					}
				});
		const version = current.version + 1;
		const state = submit ? 'submitted' : 'draft';
		await tx
			.update(response)
			.set({ version, state, updatedAt: new Date(), submittedAt: submit ? new Date() : null })
			.where(eq(response.id, current.id));
		const changes = changedAnswers(before, merged);
		if (Object.keys(changes).length || submit)
			await recordAudit(tx, {
				actorId: key.userId,
				action: submit ? 'response.submit' : 'response.save',
				entity: 'response',
				entityId: current.id,
				before: Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.before])),
				after: Object.fromEntries(Object.entries(changes).map(([k, c]) => [k, c.after]))
			});
		if (!submit) return { status: 'incomplete', version, missing };
		// A submitted response now counts towards results.
		await refreshResults(tx, { roundId: key.roundId, technologyId: key.technologyId });
		const [t] = await tx
			.select({ slug: technology.slug, name: technology.name })
			.from(technology)
			.where(eq(technology.id, key.technologyId));
		hooks = await recordWebhookEvent(tx, 'response.submitted', {
			round: { id: key.roundId },
			technology: t,
			respondentId: key.userId,
			responseId: current.id,
			version
		});
		return { status: 'saved', version, state };
	});
	await sendWebhooks(hooks);
	return outcome;
}

/** A submitted response goes back to draft for changes, while its round is open. */
export async function reopenResponse(key: ResponseKey, expectedVersion: number): Promise<SaveOutcome> {
	return db().transaction(async (tx) => {
		const [r] = await tx.select({ state: round.state }).from(round).where(eq(round.id, key.roundId)).for('share');
		if (r?.state !== 'open') return { status: 'round-not-open' };
		const [current] = await tx
			.select({ id: response.id, version: response.version, state: response.state })
			.from(response)
			.where(responseOf(key))
			.for('update');
		if (!current) return { status: 'not-assigned' };
		// A respondent removed from the round keeps their answers as they were: only a lead can ask them again.
		const [assigned] = await tx.select({ userId: assignment.userId }).from(assignment).where(assignmentOf(key));
		if (!assigned) return { status: 'not-assigned' };
		if (current.version !== expectedVersion) return { status: 'stale', version: current.version };
		const version = current.version + 1;
		await tx.update(response).set({ state: 'draft', version, submittedAt: null, updatedAt: new Date() }).where(eq(response.id, current.id));
		await refreshResults(tx, { roundId: key.roundId, technologyId: key.technologyId });
		await recordAudit(tx, {
			actorId: key.userId,
			action: 'response.reopen',
			entity: 'response',
			entityId: current.id,
			before: { state: current.state },
			after: { state: 'draft' }
		});
		return { status: 'saved', version, state: 'draft' };
	});
}

/** Respondents of one technology in one round (for leads reading everyone's answers). */
export async function respondentsOf(roundId: number, technologyId: number) {
	return db()
		.select({ userId: appUser.id, name: appUser.name })
		.from(assignment)
		.innerJoin(appUser, eq(appUser.id, assignment.userId))
		.where(and(eq(assignment.roundId, roundId), eq(assignment.technologyId, technologyId)))
		.orderBy(asc(appUser.name));
}

/**
 * The respondent's own answers for this technology in the latest earlier round in which they
 * answered it (submitted), by vector, with that round's name: what the scoring form offers to keep.
 */
export async function previousAnswers(key: ResponseKey): Promise<{ round: string; answers: Record<string, Answer> } | null> {
	const rows = rowsOf<{ round: string; vector_key: string; score: number | null; dont_know: boolean }>(
		await db().execute(sql`
			with earlier as (
				select r.name, p.id from response p
				join round r on r.id = p.round_id
				join round this on this.id = ${key.roundId}
				where p.technology_id = ${key.technologyId} and p.user_id = ${key.userId} and p.state = 'submitted'
					and (r.created_at, r.id) < (this.created_at, this.id)
				order by r.created_at desc, r.id desc
				limit 1
			)
			select earlier.name as round, a.vector_key, a.score, a.dont_know
			from earlier join answer a on a.response_id = earlier.id`)
	);
	if (!rows.length) return null;
	return {
		round: rows[0].round,
		answers: Object.fromEntries(rows.map((r) => [r.vector_key, { score: r.score, dontKnow: r.dont_know, comment: '', evidenceUrl: '' }]))
	};
}
