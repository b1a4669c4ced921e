import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { atLeast, ROLES, type Role } from '#lib/domain/roles.ts';
import type { SessionUser } from './session';

/**
 * Who may do what, in one table. Every load, action and endpoint asks for one of these by name,
 * and the pages show a control only when the same question answers yes.
 *
 * Respondent names follow one rule, on screen and in files alike: leads and admins see who
 * answered what (they pick respondents and chase them, so the names are theirs already);
 * members and viewers see aggregates, and comments without names or scores.
 */
export const CAPABILITIES = {
	/** See the catalog, results, radars, reports and the method. */
	read: { role: 'viewer', means: 'signing in' },
	/** Write one's own answers in a round one is asked to score. */
	score: { role: 'member', means: 'the member role, to score' },
	manageRounds: { role: 'lead', means: 'the lead role, to manage rounds' },
	editCatalog: { role: 'lead', means: 'the lead role, to edit the catalog' },
	editBacklog: { role: 'lead', means: 'the lead role, to edit the backlog' },
	/** Spreadsheets, CSV and JSON: raw answers, not just the PDF summary. */
	downloadData: { role: 'lead', means: 'the lead role, to download data' },
	seeRespondents: { role: 'lead', means: 'the lead role, to see who answered what' },
	/** People, teams, the framework, the audit log, reopening closed rounds. */
	administer: { role: 'admin', means: 'the admin role' }
} as const satisfies Record<string, { role: Role; means: string }>;

export type Capability = keyof typeof CAPABILITIES;

export function can(user: { role: Role } | null | undefined, capability: Capability): boolean {
	return !!user && atLeast(user.role, CAPABILITIES[capability].role);
}

/** The roles that may be asked to score: the same rule in SQL as in the guards. */
export const SCORING_ROLES: Role[] = ROLES.filter((role) => atLeast(role, CAPABILITIES.score.role));

/** Every capability of a user, for pages that decide which controls to show. */
export function capabilitiesOf(user: { role: Role } | null | undefined): Record<Capability, boolean> {
	return Object.fromEntries(Object.keys(CAPABILITIES).map((c) => [c, can(user, c as Capability)])) as Record<Capability, boolean>;
}

export function loginRedirect(url: URL): string {
	return `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
}

/** The signed-in user if they hold `capability`; anyone else is sent to sign in, or refused with 403. */
export function requireCapability(event: Pick<RequestEvent, 'locals' | 'url'>, capability: Capability): SessionUser {
	const user = event.locals.user;
	if (!user) redirect(303, loginRedirect(event.url));
	if (!can(user, capability)) error(403, `This needs ${CAPABILITIES[capability].means}.`);
	return user;
}
