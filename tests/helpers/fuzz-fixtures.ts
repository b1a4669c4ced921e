import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { db } from '../../src/lib/server/db';
import { remediationItem } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { getFramework } from '../../src/lib/server/queries/framework';
import { changeRoundState } from '../../src/lib/server/queries/round-state';
import { createInvitation } from '../../src/lib/server/queries/users';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow, submitResponseRow, unsubscribeTokenRow } from './factories';
import type { Fields } from './fuzz-form-builders';

// The people, teams, technologies, rounds, backlog item and tokens the fuzz suite's valid forms name.

export type Fixtures = {
	admin: SessionUser;
	member: SessionUser;
	target: SessionUser;
	pwUser: SessionUser;
	team: { id: number; name: string };
	renamedTeam: { id: number };
	tech: { id: number; slug: string };
	editTech: { id: number };
	retireTech: { id: number; slug: string };
	round: { id: number };
	scopeRound: { id: number };
	draftRound: { id: number };
	itemId: number;
	token: string;
	unsubscribeToken: string;
	framework: Fields;
};
export let fx: Fixtures;

/** The users, teams, technologies, rounds, backlog item and invitation the baselines name. */
export async function createFuzzFixtures() {
	const admin = await createUserRow('admin');
	const team = await createTeamRow('Fuzz owners');
	const member = await createUserRow('member', { teamIds: [team.id] });
	const tech = await createTechnologyRow('Fuzz Kafka', team.id);
	const round = await createRoundRow('open', [{ technologyId: tech.id, userIds: [admin.id, member.id] }]);
	const scopeRound = await createRoundRow('open', [{ technologyId: tech.id, userIds: [member.id] }]);
	const draftRound = await createRoundRow('draft', [{ technologyId: tech.id, userIds: [] }]);
	// Backlog items come from closing a round whose answers fall short of the target.
	const backlogTech = await createTechnologyRow('Fuzz backlog', team.id, 4);
	const backlogRound = await createRoundRow('open', [{ technologyId: backlogTech.id, userIds: [admin.id] }]);
	await submitResponseRow(backlogRound.id, backlogTech.id, admin.id, () => 1);
	expect(await changeRoundState(admin.id, backlogRound.id, 'closed')).toBe('ok');
	const [item] = await db()
		.select({ id: remediationItem.id })
		.from(remediationItem)
		.where(eq(remediationItem.technologyId, backlogTech.id))
		.limit(1);
	const base = await getFramework();
	const framework: Fields = Object.fromEntries(base.levels.map((l, i) => [`levels.${i}`, l]));
	for (const v of base.vectors) {
		const p = `v.${v.key}`;
		Object.assign(framework, { [`${p}.name`]: v.name, [`${p}.description`]: v.description, [`${p}.lane`]: v.lane });
		Object.assign(framework, { [`${p}.weight`]: String(v.weight) });
		v.anchors.forEach((a, i) => (framework[`${p}.anchor.${i}`] = a));
	}
	fx = {
		admin,
		member,
		target: await createUserRow('member', { teamIds: [team.id] }),
		pwUser: await createUserRow('member'),
		team,
		renamedTeam: await createTeamRow('Fuzz renamed'),
		tech,
		editTech: await createTechnologyRow('Fuzz edit target', team.id),
		retireTech: await createTechnologyRow('Fuzz retiree', team.id),
		round,
		scopeRound,
		draftRound,
		itemId: item.id,
		token: await createInvitation(admin.id, { email: 'never-accepted@example.com', role: 'member', teamIds: [] }),
		unsubscribeToken: await unsubscribeTokenRow(member.id),
		framework
	};
}
