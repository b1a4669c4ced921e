/** Roles are ordered: an admin can do what a lead can, a lead what a member can, and so on. */
export const ROLES = ['admin', 'lead', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, member: 1, lead: 2, admin: 3 };

export function atLeast(role: Role, needed: Role): boolean {
	return RANK[role] >= RANK[needed];
}
