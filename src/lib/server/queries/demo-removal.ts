import { eq, inArray } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { appUser, remediationItem, round, setting, team, technology } from '#lib/server/db/schema/index.ts';
import { recordAudit } from './audit';
import { asJson, DEMO_KEY, forgetDemoAccounts, readRecord } from './demo-data';
import { demoBacklog, ids, planRemoval, type DemoPlan, type Named } from './demo-plan';

// Removing the demo data: the preview an admin confirms, and the removal itself, as demo-plan.ts plans it.

/** What removal would do now, for the confirmation page; null when there is no demo data. */
export async function previewDemoRemoval(): Promise<DemoPlan | null> {
	const record = await readRecord(db());
	return record ? planRemoval(db(), record) : null;
}

/** Whether someone is signed in as a demo account: a recorded one that still has the public password. */
export const isDemoAccount = (plan: DemoPlan | null, userId: number) => !!plan?.demoAccountIds.includes(userId);

export type RemoveDemoResult =
	{ outcome: 'none' | 'demo-actor' } | { outcome: 'removed'; counts: DemoPlan['counts']; keep: DemoPlan['keep'] };

/**
 * Deletes what `planRemoval` lets go: the demo rounds that hold nothing else (their scope,
 * assignments, responses, answers and results go with them, all demo accounts' about demo
 * technologies), then the demo technologies, accounts (sessions, memberships, assignments) and
 * teams that nothing else needs, and the backlog of demo technologies only those rounds produced.
 * A demo account cannot do this: after it, the organisation must still have an admin of its own.
 */
export async function removeDemoData(actorId: number): Promise<RemoveDemoResult> {
	const result = await db().transaction(async (tx): Promise<RemoveDemoResult> => {
		// The row lock makes two removals take turns; the second finds what the first left.
		const record = await readRecord(tx, true);
		if (!record) return { outcome: 'none' };
		// Rows that may go are locked before the plan reads them, so nobody can answer in a demo round,
		// add a technology or respondent to it, take a demo technology into scope, change a demo
		// account's password or set an initiative for a demo team between the plan and the deletes (each of those waits for this to end).
		await tx.select({ id: round.id }).from(round).where(inArray(round.id, record.roundIds)).for('update');
		await tx.select({ id: technology.id }).from(technology).where(inArray(technology.id, record.technologyIds)).for('update');
		await tx.select({ id: appUser.id }).from(appUser).where(inArray(appUser.id, record.userIds)).for('update');
		// Likewise demo teams: an initiative set for one meanwhile would otherwise block its delete.
		await tx.select({ id: team.id }).from(team).where(inArray(team.id, record.teamIds)).for('update');
		const plan = await planRemoval(tx, record);
		if (plan.demoAccountIds.includes(actorId)) return { outcome: 'demo-actor' };
		if (Object.values(plan.counts).every((n) => n === 0)) return { outcome: 'none' };
		const { remove, keep } = plan;
		await tx.delete(remediationItem).where(demoBacklog(ids(remove.rounds), ids(remove.technologies), record.technologyIds));
		await tx.delete(round).where(inArray(round.id, ids(remove.rounds)));
		await tx.delete(technology).where(inArray(technology.id, ids(remove.technologies)));
		await tx.delete(appUser).where(inArray(appUser.id, ids(remove.people)));
		await tx.delete(team).where(inArray(team.id, ids(remove.teams)));
		const rest = {
			...record,
			userIds: ids(keep.people),
			teamIds: ids(keep.teams),
			technologyIds: ids(keep.technologies),
			roundIds: ids(keep.rounds)
		};
		if (rest.userIds.length + rest.teamIds.length + rest.technologyIds.length + rest.roundIds.length === 0)
			await tx.delete(setting).where(eq(setting.key, DEMO_KEY));
		else
			await tx
				.update(setting)
				.set({ value: asJson(rest), updatedBy: actorId, updatedAt: new Date() })
				.where(eq(setting.key, DEMO_KEY));
		const names = (list: Named[]) => list.map((k) => k.name);
		await recordAudit(tx, {
			actorId,
			action: 'demo.remove',
			entity: 'demo_data',
			after: {
				...plan.counts,
				keptRounds: names(keep.rounds),
				keptPeople: names(keep.people),
				keptTeams: names(keep.teams),
				keptTechnologies: names(keep.technologies),
				lostRatings: plan.lostRatings.map((g) => `${g.technologies.join(', ')} from ${g.rounds.join(', ')}`)
			}
		});
		return { outcome: 'removed', counts: plan.counts, keep };
	});
	if (result.outcome === 'removed') forgetDemoAccounts();
	return result;
}
