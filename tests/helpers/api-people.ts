import type { SessionUser } from '../../src/lib/server/auth/session';
import { createTeamRow, createUserRow } from './factories';
import { tokenFor } from './api-client';

export type ApiPeople = {
	teamId: number;
	lead: SessionUser;
	member: SessionUser;
	outsider: SessionUser;
	leadWrite: string;
	leadRead: string;
	memberWrite: string;
	outsiderWrite: string;
};

/** Who the API write suites act as: a lead, a member of the one team, a member of none, and their tokens. */
export async function createApiPeople(): Promise<ApiPeople> {
	const teamId = (await createTeamRow('Platform')).id;
	const lead = await createUserRow('lead');
	const member = await createUserRow('member', { teamIds: [teamId] });
	const outsider = await createUserRow('member');
	const [leadWrite, leadRead, memberWrite, outsiderWrite] = await Promise.all([
		tokenFor(lead, 'write'),
		tokenFor(lead, 'read'),
		tokenFor(member, 'write'),
		tokenFor(outsider, 'write')
	]);
	return { teamId, lead, member, outsider, leadWrite, leadRead, memberWrite, outsiderWrite };
}
