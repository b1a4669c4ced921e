import { atLeast, type Role } from './roles';

/**
 * How a provider's groups claim maps to roles and teams, as admins edit it at /admin/sso.
 * A mapping names a group and gives a role, a team, or both.
 */
export type GroupMapping = { group: string; role: Role | null; teamId: number | null };
export type SsoConfig = { groupsClaim: string; defaultRole: Role; mappings: GroupMapping[] };

export const DEFAULT_SSO: SsoConfig = { groupsClaim: 'groups', defaultRole: 'viewer', mappings: [] };

/** The groups a claims set names, whether the provider sends an array or one string. */
export function groupsOf(claims: Record<string, unknown>, claim: string): string[] | null {
	const value = claims[claim];
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
	return null;
}

export type Membership = {
	/** The provider sent the groups claim; without it the groups say nothing about roles or teams. */
	claimed: boolean;
	/** The highest role the matching mappings give, or null when none of them gives one. */
	role: Role | null;
	/** Teams the groups give. */
	teamIds: number[];
	/** Teams some mapping names: membership in these follows the groups; other teams are left alone. */
	managedTeamIds: number[];
};

/**
 * What the groups of one sign-in say. Without the claim (the provider does not send it) nothing
 * is said. With it, the highest role of the matching mappings wins. A role no matching mapping
 * gives is not the groups' to say: the invitation or an administrator decided it (see below).
 */
export function membershipFrom(config: SsoConfig, groups: string[] | null): Membership {
	const managedTeamIds = [...new Set(config.mappings.flatMap((m) => (m.teamId === null ? [] : [m.teamId])))];
	if (groups === null) return { claimed: false, role: null, teamIds: [], managedTeamIds: [] };
	const matching = config.mappings.filter((m) => groups.includes(m.group));
	const roles = matching.flatMap((m) => (m.role ? [m.role] : []));
	const role = roles.length ? roles.reduce((best, r) => (atLeast(r, best) ? r : best)) : null;
	return { claimed: true, role, teamIds: [...new Set(matching.flatMap((m) => (m.teamId === null ? [] : [m.teamId])))], managedTeamIds };
}

/** A newcomer's role: the groups' when they give one, else a pending invitation's, else the default. */
export const newcomerRole = (membership: Membership, invited: Role | undefined, defaultRole: Role): Role =>
	membership.role ?? invited ?? defaultRole;

/** A person's role and whether the groups gave it (`app_user.role_from_groups`), rather than an invitation or an administrator. */
export type HeldRole = { role: Role; fromGroups: boolean };

/**
 * The role a later sign-in sets, or null to keep the current one. Leaving the group that gave a
 * role takes it away (back to the default). A role an invitation or an administrator gave stays
 * while the groups give none, even when some mapping gives the same role to others: what counts
 * is where this person's role came from, not which roles the mappings name.
 */
export function roleAtSignIn(membership: Membership, held: HeldRole, defaultRole: Role): HeldRole | null {
	if (membership.role) return { role: membership.role, fromGroups: true };
	return membership.claimed && held.fromGroups ? { role: defaultRole, fromGroups: false } : null;
}
