import type { Tx } from '#lib/server/db/client.ts';
import { appUser, team, userTeam, type Role } from '#lib/server/db/schema/index.ts';
import { hashPassword } from '#lib/server/auth/password.ts';

export const DEMO_TEAMS = ['Platform SRE', 'Data Platform', 'Delivery Tooling'] as const;

type DemoPerson = { email: string; name: string; role: Role; teams: (typeof DEMO_TEAMS)[number][] };

// The four documented demo logins first, then colleagues who make rounds look lived-in.
export const DEMO_PEOPLE: DemoPerson[] = [
	{ email: 'admin@example.com', name: 'Ada Admin', role: 'admin', teams: [] },
	{ email: 'lead@example.com', name: 'Lee Lead', role: 'lead', teams: ['Platform SRE'] },
	{ email: 'member@example.com', name: 'Mia Member', role: 'member', teams: ['Platform SRE', 'Data Platform'] },
	{ email: 'viewer@example.com', name: 'Vic Viewer', role: 'viewer', teams: [] },
	{ email: 'sam.sre@example.com', name: 'Sam Okafor', role: 'member', teams: ['Platform SRE'] },
	{ email: 'priya.sre@example.com', name: 'Priya Nair', role: 'member', teams: ['Platform SRE'] },
	{ email: 'dana.data@example.com', name: 'Dana Kowalski', role: 'lead', teams: ['Data Platform'] },
	{ email: 'omar.data@example.com', name: 'Omar Haddad', role: 'member', teams: ['Data Platform'] },
	{ email: 'lin.data@example.com', name: 'Lin Zhao', role: 'member', teams: ['Data Platform'] },
	{ email: 'tess.tools@example.com', name: 'Tess Moreau', role: 'lead', teams: ['Delivery Tooling'] },
	{ email: 'raj.tools@example.com', name: 'Raj Patel', role: 'member', teams: ['Delivery Tooling'] },
	{ email: 'eva.tools@example.com', name: 'Eva Lindqvist', role: 'member', teams: ['Delivery Tooling'] }
];

export async function seedDemoPeople(tx: Tx, password: string) {
	const teams = await tx
		.insert(team)
		.values(DEMO_TEAMS.map((name) => ({ name })))
		.returning({ id: team.id, name: team.name });
	const teamId = new Map(teams.map((t) => [t.name, t.id]));
	// One hash serves every demo account: argon2 is deliberately slow.
	const passwordHash = await hashPassword(password);
	const users = await tx
		.insert(appUser)
		.values(DEMO_PEOPLE.map(({ email, name, role }) => ({ email, name, role, passwordHash })))
		.returning({ id: appUser.id, email: appUser.email });
	const userId = new Map(users.map((u) => [u.email, u.id]));
	const memberships = DEMO_PEOPLE.flatMap((p) => p.teams.map((t) => ({ userId: userId.get(p.email)!, teamId: teamId.get(t)! })));
	await tx.insert(userTeam).values(memberships);
	return { teamId, userId, passwordHash };
}
