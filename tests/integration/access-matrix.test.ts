import { beforeAll, describe, expect, it } from 'vitest';
import { isHttpError, isRedirect } from '@sveltejs/kit';
import { db } from '../../src/lib/server/db';
import { assignment } from '../../src/lib/server/db/schema';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { can, type Capability } from '../../src/lib/server/auth/policy';
import { useTestDatabase } from '../helpers/db';
import { fakeEvent } from '../helpers/event';
import { createRoundRow, createTechnologyRow, createUserRow } from '../helpers/factories';
import { routeEntries, type RouteEntry } from '../helpers/routes';

useTestDatabase();

/**
 * Who may reach what: every load, action and endpoint of every route, by the capability it
 * needs ('public' for the sign-in pages, reachable signed out). A route that is missing here
 * fails the suite, so a new one cannot ship unguarded by accident.
 */
const EXPECTED: Record<string, Capability | 'public'> = {
	'(app) layout load': 'read',
	'(app) load': 'read',
	'(app)/account load': 'read',
	'(app)/account ?/password': 'read',
	'(app)/account ?/mail': 'read',
	'(app)/account/tokens load': 'read',
	'(app)/account/tokens ?/create': 'read',
	'(app)/account/tokens ?/revoke': 'read',
	// The API's reference and description hold no data.
	'api load': 'public',
	'api/v1/openapi.json GET': 'public',
	'api/v1/me/assignments GET': 'read',
	'api/v1/backlog GET': 'read',
	'api/v1/backlog/[id] GET': 'read',
	'api/v1/backlog/[id] PATCH': 'editBacklog',
	'api/v1/rounds GET': 'read',
	'api/v1/rounds POST': 'manageRounds',
	'api/v1/rounds/[id] GET': 'read',
	'api/v1/rounds/[id]/[step] POST open': 'manageRounds',
	'api/v1/rounds/[id]/[step] POST close': 'manageRounds',
	'api/v1/rounds/[id]/files/[file] GET report.pdf': 'read',
	'api/v1/rounds/[id]/files/[file] GET scores.csv': 'downloadData',
	'api/v1/rounds/[id]/results GET': 'read',
	'api/v1/rounds/[id]/technologies POST': 'manageRounds',
	'api/v1/rounds/[id]/technologies/[slug]/response GET': 'read',
	'api/v1/rounds/[id]/technologies/[slug]/response PUT': 'score',
	'api/v1/rounds/[id]/technologies/[slug]/response/submit POST': 'score',
	'api/v1/teams GET': 'read',
	'api/v1/tech-radar GET': 'read',
	'api/v1/technologies GET': 'read',
	'api/v1/technologies POST': 'editCatalog',
	'api/v1/technologies PATCH': 'editCatalog',
	'api/v1/technologies/[slug] GET': 'read',
	'api/v1/technologies/[slug] PATCH': 'editCatalog',
	'api/v1/technologies/[slug]/signals/[kind] GET': 'read',
	'api/v1/technologies/[slug]/signals/[kind] PUT': 'editCatalog',
	'api/v1/technologies/[slug]/end-of-life PUT': 'editCatalog',
	'api/v1/signals/alertmanager POST': 'editCatalog',
	'(app)/admin load': 'administer',
	'(app)/admin/audit load': 'administer',
	'(app)/admin/outbox load': 'administer',
	// Leads run a calibration; the people asked to score the technology take part (others get 403 as well).
	'(app)/rounds/[id]/calibrate/[slug] load': 'score',
	'(app)/rounds/[id]/calibrate/[slug] ?/vote': 'score',
	'(app)/rounds/[id]/calibrate/[slug] ?/start': 'manageRounds',
	'(app)/rounds/[id]/calibrate/[slug] ?/reveal': 'manageRounds',
	'(app)/rounds/[id]/calibrate/[slug] ?/revote': 'manageRounds',
	'(app)/rounds/[id]/calibrate/[slug] ?/agree': 'manageRounds',
	'(app)/rounds/[id]/calibrate/[slug] ?/skip': 'manageRounds',
	'(app)/rounds/[id]/calibrate/[slug] ?/end': 'manageRounds',
	'(app)/rounds/[id]/calibrate/[slug]/events GET': 'score',
	'(app)/initiatives load': 'read',
	'(app)/initiatives ?/create': 'editBacklog',
	'(app)/initiatives/[id] load': 'read',
	'(app)/initiatives/[id] ?/update': 'editBacklog',
	'(app)/initiatives/[id] ?/delete': 'editBacklog',
	'(app)/admin/anonymity load': 'administer',
	'(app)/admin/anonymity ?/save': 'administer',
	'(app)/admin/signals load': 'administer',
	'(app)/admin/signals ?/createKind': 'administer',
	'(app)/admin/signals ?/saveKind': 'administer',
	'(app)/admin/signals ?/saveAlertLabel': 'administer',
	'(app)/admin/signals ?/saveCadence': 'administer',
	'(app)/admin/sso load': 'administer',
	'(app)/admin/sso ?/save': 'administer',
	'(app)/admin/outbox ?/retry': 'administer',
	'(app)/admin/webhooks load': 'administer',
	'(app)/admin/webhooks ?/create': 'administer',
	'(app)/admin/webhooks ?/delete': 'administer',
	'(app)/admin/webhooks ?/ping': 'administer',
	'(app)/admin/webhooks ?/secret': 'administer',
	'(app)/admin/webhooks ?/policy': 'administer',
	'(app)/admin/demo load': 'administer',
	'(app)/admin/demo ?/remove': 'administer',
	'(app)/admin/audit/export.csv GET': 'administer',
	'(app)/admin/published-radar load': 'administer',
	'(app)/admin/published-radar ?/create': 'administer',
	'(app)/admin/published-radar ?/revoke': 'administer',
	'(app)/admin/backup GET': 'administer',
	'(app)/admin/framework load': 'administer',
	'(app)/admin/framework ?/default': 'administer',
	'(app)/admin/teams load': 'administer',
	'(app)/admin/teams ?/create': 'administer',
	'(app)/admin/teams ?/rename': 'administer',
	'(app)/admin/teams ?/delete': 'administer',
	'(app)/admin/users load': 'administer',
	'(app)/admin/users ?/invite': 'administer',
	'(app)/admin/users ?/update': 'administer',
	'(app)/backlog load': 'read',
	'(app)/backlog ?/update': 'editBacklog',
	'(app)/backlog/export.csv GET': 'downloadData',
	'(app)/compare load': 'read',
	'(app)/methodology load': 'read',
	'(app)/methodology/lens.json GET': 'read',
	'(app)/admin/framework/lens load': 'administer',
	'(app)/admin/framework/lens ?/default': 'administer',
	'(app)/portfolio load': 'read',
	'(app)/portfolio/radar load': 'read',
	'(app)/portfolio/radar ?/config': 'editCatalog',
	'(app)/portfolio/radar.csv GET': 'read',
	'(app)/portfolio/radar.json GET': 'read',
	'(app)/portfolio/radar-backstage.json GET': 'read',
	'(app)/rounds load': 'read',
	'(app)/rounds ?/create': 'manageRounds',
	'(app)/rounds/[id] load': 'read',
	'(app)/rounds/[id] ?/details': 'manageRounds',
	'(app)/rounds/[id] ?/addTechnologies': 'manageRounds',
	'(app)/rounds/[id] ?/removeTechnology': 'manageRounds',
	'(app)/rounds/[id] ?/addRespondent': 'manageRounds',
	'(app)/rounds/[id] ?/removeRespondent': 'manageRounds',
	'(app)/rounds/[id] ?/open': 'manageRounds',
	'(app)/rounds/[id] ?/regenerate': 'manageRounds',
	'(app)/rounds/[id] ?/close': 'manageRounds',
	'(app)/rounds/[id] ?/reopen': 'administer',
	'(app)/rounds/[id]/assess/[slug] load': 'read',
	'(app)/rounds/[id]/assess/[slug] ?/save': 'score',
	'(app)/rounds/[id]/assess/[slug] ?/submit': 'score',
	'(app)/rounds/[id]/assess/[slug] ?/reopen': 'score',
	'(app)/rounds/[id]/report load': 'read',
	'(app)/rounds/[id]/report/[file] GET report.pdf': 'read',
	'(app)/rounds/[id]/report/[file] GET report.xlsx': 'downloadData',
	'(app)/rounds/[id]/report/[file] GET scores.csv': 'downloadData',
	'(app)/rounds/[id]/report/[file] GET backlog.csv': 'downloadData',
	'(app)/rounds/[id]/report/[file] GET report.json': 'downloadData',
	'(app)/technologies load': 'read',
	'(app)/technologies/[slug] load': 'read',
	'(app)/technologies/[slug] ?/delete': 'editCatalog',
	'(app)/technologies/[slug] ?/retire': 'editCatalog',
	'(app)/technologies/[slug]/edit load': 'editCatalog',
	'(app)/technologies/[slug]/edit ?/default': 'editCatalog',
	'(app)/technologies/import load': 'editCatalog',
	'(app)/technologies/import ?/preview': 'editCatalog',
	'(app)/technologies/import ?/import': 'editCatalog',
	'(app)/technologies/import/facts load': 'editCatalog',
	'(app)/technologies/import/facts ?/default': 'editCatalog',
	'(app)/technologies/[slug] ?/endOfLife': 'editCatalog',
	'(app)/technologies/new load': 'editCatalog',
	'(app)/technologies/new ?/default': 'editCatalog',
	'(auth)/invite/[token] load': 'public',
	'(auth)/invite/[token] ?/default': 'public',
	// Single sign-on starts and ends signed out (404 here, where no provider is set up).
	'(auth)/auth/oidc GET': 'public',
	'(auth)/auth/oidc/callback load': 'public',
	'(auth)/login load': 'public',
	'(auth)/login ?/default': 'public',
	'(auth)/logout load': 'public',
	'(auth)/logout ?/default': 'public',
	'(auth)/setup load': 'public',
	'(auth)/setup ?/default': 'public',
	// The link's token is the credential, and all it can do is stop emails.
	'(auth)/unsubscribe/[token] load': 'public',
	'(auth)/unsubscribe/[token] ?/default': 'public',
	'healthz GET': 'public',
	// Its own check: 404 unless METRICS_TOKEN is set, then the bearer token (tests/integration/observability.test.ts).
	'metrics GET': 'public',
	'readyz GET': 'public',
	// The secret in the path is the credential (tests/integration/published-radar.test.ts); here an unknown one, so 404 for everyone.
	'published/radar/[token]/opsmaturity-radar.csv GET': 'public',
	'published/radar/[token]/opsmaturity-radar.json GET': 'public'
};

const ROLES = ['anonymous', 'viewer', 'member', 'lead', 'admin'] as const;
type Who = (typeof ROLES)[number];
type Verdict = 'sign-in' | 'forbidden' | 'allowed';

function expectedVerdict(who: Who, needs: Capability | 'public'): Verdict {
	if (needs === 'public') return 'allowed';
	if (who === 'anonymous') return 'sign-in';
	return can({ role: who }, needs) ? 'allowed' : 'forbidden';
}

async function verdictOf(entry: RouteEntry, user: SessionUser | null, params: Record<string, string>): Promise<Verdict> {
	try {
		const result = await entry.run(fakeEvent({ user, params, url: entry.path(params), form: {} }));
		// An endpoint answers with a Response; a 403 one is as much a refusal as a thrown one.
		if (result instanceof Response && result.status === 403) return 'forbidden';
		// The API answers 401 instead of sending anyone to sign in.
		if (result instanceof Response && result.status === 401) return 'sign-in';
		return 'allowed';
	} catch (e) {
		if (isRedirect(e) && e.location.startsWith('/login')) return 'sign-in';
		if (isHttpError(e) && e.status === 403) return 'forbidden';
		if (isHttpError(e) || isRedirect(e)) return 'allowed';
		throw e;
	}
}

const users: Partial<Record<Who, SessionUser | null>> = { anonymous: null };
let params: Record<string, string> = {};

beforeAll(async () => {
	for (const role of ['viewer', 'member', 'lead', 'admin'] as const) users[role] = await createUserRow(role);
	const tech = await createTechnologyRow('Matrix Kafka');
	const r = await createRoundRow('open', [{ technologyId: tech.id, userIds: [users.member!.id, users.lead!.id, users.admin!.id] }]);
	// A viewer can no longer be asked to score, but one demoted after being asked still holds the assignment.
	await db().insert(assignment).values({ roundId: r.id, technologyId: tech.id, userId: users.viewer!.id });
	params = { id: String(r.id), slug: tech.slug, token: 'no-such-invitation', file: 'report.pdf' };
});

const entries = routeEntries();

describe('access matrix', () => {
	it('lists every load, action and endpoint of every route, and nothing that is gone', () => {
		const found = entries.map((e) => e.key).sort();
		expect(found.filter((k) => !(k in EXPECTED))).toEqual([]);
		expect(Object.keys(EXPECTED).filter((k) => !found.includes(k))).toEqual([]);
	});

	it.each(entries.map((e) => [e.key, e] as const))('%s', async (key, entry) => {
		const needs = EXPECTED[key];
		if (!needs) return; // reported by the completeness test above
		const got: Record<string, Verdict> = {};
		const want: Record<string, Verdict> = {};
		for (const who of ROLES) {
			const verdict = await verdictOf(entry, users[who] ?? null, { ...params, ...entry.params });
			// A public page may still send someone on to sign in (signing out when signed out, setup once done).
			got[who] = needs === 'public' && verdict === 'sign-in' ? 'allowed' : verdict;
			want[who] = expectedVerdict(who, needs);
		}
		expect(got).toEqual(want);
	});
});
