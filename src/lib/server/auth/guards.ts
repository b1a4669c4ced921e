import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import type { Role } from '$lib/server/db/schema';
import type { SessionUser } from './session';

const RANK: Record<Role, number> = { viewer: 0, member: 1, lead: 2, admin: 3 };

export function hasRole(user: { role: Role } | null | undefined, role: Role): boolean {
	return !!user && RANK[user.role] >= RANK[role];
}

export function loginRedirect(url: URL): string {
	return `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
}

export function requireUser(event: Pick<RequestEvent, 'locals' | 'url'>): SessionUser {
	const user = event.locals.user;
	if (!user) redirect(303, loginRedirect(event.url));
	return user;
}

/** Roles are ordered: admin can do what a lead can, a lead what a member can, and so on. */
export function requireRole(event: Pick<RequestEvent, 'locals' | 'url'>, role: Role): SessionUser {
	const user = requireUser(event);
	if (!hasRole(user, role)) error(403, `This needs the ${role} role.`);
	return user;
}
