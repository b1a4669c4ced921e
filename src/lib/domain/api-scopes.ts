import { atLeast, type Role } from './roles';

/**
 * What a personal access token may do: read, write, or admin, never more than its owner's role.
 * A scope is the highest role it lets its owner act as.
 */
export const SCOPES = ['read', 'write', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

const CEILING: Record<Scope, Role> = { read: 'viewer', write: 'lead', admin: 'admin' };
/** The least role that may hold a scope: writing starts at scoring (member), admin at admin. */
const FLOOR: Record<Scope, Role> = { read: 'viewer', write: 'member', admin: 'admin' };

export const mayHoldScope = (role: Role, scope: Scope) => atLeast(role, FLOOR[scope]);

/** The role a request with this token acts as: the owner's role, capped by the scope. */
export function roleUnderScope(role: Role, scope: Scope): Role {
	return atLeast(role, CEILING[scope]) ? CEILING[scope] : role;
}

/** Lifetimes a token may have, in days. */
export const TOKEN_DAYS = [7, 30, 90, 365] as const;
