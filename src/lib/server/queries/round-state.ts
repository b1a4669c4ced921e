import { and, asc, eq, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { rowsOf } from '#lib/server/db/client.ts';
import { appUser, assignment, response, round, roundTechnology, technology, type RoundState } from '#lib/server/db/schema/index.ts';
import { sendMail } from '#lib/server/jobs/mail-jobs.ts';
import { sendWebhooks } from '#lib/server/jobs/webhook-jobs.ts';
import { recordWebhookEvent } from './webhooks';
import { recordAudit } from './audit';
import { recordReportReadyMail, recordRoundOpenedMail } from './mail-occasions';
import { regenerateBacklog } from './backlog';
import { answeredCount, responseOfAssignment } from './responses';
import { refreshResults } from './results';

export type StateChange = 'ok' | 'not-found' | 'wrong-state' | 'empty' | 'newer-closed';

/**
 * Regenerates the backlog from an open round's current results, on a lead's request. A closed
 * round is read-only: its backlog was reconciled when it closed, and re-planning from it would
 * undo what newer rounds found.
 */
export async function regenerateRoundBacklog(actorId: number, roundId: number) {
	return db().transaction(async (tx) => {
		const [row] = await tx.select({ state: round.state }).from(round).where(eq(round.id, roundId)).for('share');
		if (!row) return 'not-found' as const;
		if (row.state !== 'open') return 'not-open' as const;
		return regenerateBacklog(tx, roundId, actorId);
	});
}

const TRANSITIONS = {
	open: { from: 'draft', action: 'round.open' },
	closed: { from: 'open', action: 'round.close' },
	reopen: { from: 'closed', action: 'round.reopen' }
} as const satisfies Record<string, { from: RoundState; action: string }>;

/**
 * draft → open → closed, one step at a time. An admin may reopen a closed round (with a reason
 * kept in the audit log); closing it again reconciles the backlog, which is idempotent.
 */
export async function changeRoundState(
	actorId: number,
	roundId: number,
	to: keyof typeof TRANSITIONS,
	reason?: string
): Promise<StateChange> {
	const { from, action } = TRANSITIONS[to];
	let mail: number[] = [];
	let hooks: number[] = [];
	const outcome = await db().transaction(async (tx): Promise<StateChange> => {
		const [row] = await tx.select({ state: round.state }).from(round).where(eq(round.id, roundId)).for('update');
		if (!row) return 'not-found';
		if (row.state !== from) return 'wrong-state';
		if (to === 'reopen') {
			// Closing again reconciles the backlog with this round's results; were a newer round closed
			// already, that would undo what the newer round found. Only the newest closed round reopens.
			const newer = rowsOf(
				await tx.execute(
					sql`select 1 from round r, round this where this.id = ${roundId} and r.state = 'closed' and (r.created_at, r.id) > (this.created_at, this.id) limit 1`
				)
			);
			if (newer.length) return 'newer-closed';
		}
		if (to === 'open') {
			const [{ n }] = await tx
				.select({ n: sql<number>`count(*)`.mapWith(Number) })
				.from(roundTechnology)
				.where(eq(roundTechnology.roundId, roundId));
			if (n === 0) return 'empty';
		}
		const now = new Date();
		await tx
			.update(round)
			.set(
				to === 'open'
					? { state: 'open', openedAt: now }
					: to === 'closed'
						? { state: 'closed', closedAt: now }
						: { state: 'open', closedAt: null }
			)
			.where(eq(round.id, roundId));
		const state = to === 'reopen' ? 'open' : to;
		await recordAudit(tx, {
			actorId,
			action,
			entity: 'round',
			entityId: roundId,
			before: { state: from },
			after: { state, ...(reason ? { reason } : {}) }
		});
		// Closing settles the round's results, so they and the backlog follow in the same transaction.
		if (to === 'closed') {
			await refreshResults(tx, { roundId });
			await regenerateBacklog(tx, roundId, actorId);
			mail = await recordReportReadyMail(tx, roundId);
		}
		// Recorded with the change, so an opened round always has its messages; sent once committed.
		if (to === 'open') mail = await recordRoundOpenedMail(tx, roundId);
		if (to !== 'reopen') {
			const [r] = await tx
				.select({ id: round.id, name: round.name, state: round.state, dueDate: round.dueDate })
				.from(round)
				.where(eq(round.id, roundId));
			hooks = await recordWebhookEvent(tx, to === 'open' ? 'round.opened' : 'round.closed', { round: r, actorId });
		}
		return 'ok';
	});
	if (outcome === 'ok') await Promise.all([sendMail(mail), sendWebhooks(hooks)]);
	return outcome;
}

/** Who has not submitted in a round, with how much each draft holds: what a lead sees before closing. */
export async function unsubmittedResponses(roundId: number) {
	return db()
		.select({ technology: technology.name, name: appUser.name, answered: answeredCount })
		.from(assignment)
		.innerJoin(appUser, eq(appUser.id, assignment.userId))
		.innerJoin(technology, eq(technology.id, assignment.technologyId))
		.leftJoin(response, responseOfAssignment)
		.where(and(eq(assignment.roundId, roundId), sql`coalesce(${response.state}, 'draft') <> 'submitted'`))
		.orderBy(sql`${answeredCount} desc`, asc(technology.name), asc(appUser.name));
}
