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
	/** The role the groups give, or null when they say nothing about roles (keep the role; new people get the default). */
	role: Role | null;
	/** Teams the groups give. */
	teamIds: number[];
	/** Teams some mapping names: membership in these follows the groups; other teams are left alone. */
	managedTeamIds: number[];
};

/**
 * What the groups of one sign-in say. Without the claim (the provider does not send it) nothing
 * is said. With it, the highest role of the matching mappings wins; if role mappings exist and
 * none matches, the default role applies, so leaving a group at the provider takes its role away.
 */
export function membershipFrom(config: SsoConfig, groups: string[] | null): Membership {
	const managedTeamIds = [...new Set(config.mappings.flatMap((m) => (m.teamId === null ? [] : [m.teamId])))];
	if (groups === null) return { role: null, teamIds: [], managedTeamIds: [] };
	const matching = config.mappings.filter((m) => groups.includes(m.group));
	const roles = matching.flatMap((m) => (m.role ? [m.role] : []));
	const anyRoleMapping = config.mappings.some((m) => m.role);
	const role = roles.length ? roles.reduce((best, r) => (atLeast(r, best) ? r : best)) : anyRoleMapping ? config.defaultRole : null;
	return { role, teamIds: [...new Set(matching.flatMap((m) => (m.teamId === null ? [] : [m.teamId])))], managedTeamIds };
}
