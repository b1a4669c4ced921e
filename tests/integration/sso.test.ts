import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { eq } from 'drizzle-orm';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import { appUser, auditLog, invitation, oidcFlow, session, userIdentity, userTeam } from '../../src/lib/server/db/schema';
import { flowCookie, startOidc } from '../../src/lib/server/auth/oidc';
import { getSsoConfig, saveSsoConfig } from '../../src/lib/server/queries/settings';
import { createInvitation, updateUser } from '../../src/lib/server/queries/users';
import * as logout from '../../src/routes/(auth)/logout/+page.server';
import { useTestDatabase } from '../helpers/db';
import { fakeCookies, fakeEvent, run } from '../helpers/event';
import { createRoundRow, createTeamRow, createTechnologyRow, createUserRow } from '../helpers/factories';
import { CLIENT_ID, loginAtProvider, type Account } from '../helpers/oidc-provider';
import { APP, useProviderSignIn } from '../helpers/sso-sign-in';
import { freePort } from '../helpers/server';

useTestDatabase();

const ACCOUNTS: Record<string, Account> = {
	ana: { email: 'ana@example.com', email_verified: true, name: 'Ana Ops', groups: ['ops-leads'] },
	newbie: { email: 'invited@example.com', email_verified: true, name: 'New Person' },
	unverified: { email: 'un@example.com', email_verified: false },
	stranger: { email: 'stranger@example.com', email_verified: true },
	glass: { email: 'glass@example.com', email_verified: true },
	tooling: { email: 'tia@example.com', email_verified: true, name: 'Tia Tooling', groups: ['delivery-tooling'] }
};

const { accounts, op, settings, start, finish, signInAs } = useProviderSignIn(ACCOUNTS);

const userByEmail = async (email: string) => (await db().select().from(appUser).where(eq(appUser.email, email)))[0];

describe('single sign-on against a real OpenID provider', () => {
	it('before the first administrator exists (/setup), nobody joins through the provider', async () => {
		expect((await db().select().from(appUser)).length).toBe(0);
		const { outcome } = await signInAs('stranger');
		expect(outcome).toMatchObject({ kind: 'error', status: 409, message: expect.stringContaining('/setup') });
		expect((await db().select().from(appUser)).length).toBe(0);
	});

	it('sends the browser to the provider with PKCE, state and nonce, keeping the flow under a cookie', async () => {
		const { to, cookies } = await start('/portfolio');
		expect(to.origin).toBe(op.issuer);
		expect(Object.fromEntries(to.searchParams)).toMatchObject({
			client_id: CLIENT_ID,
			redirect_uri: `${APP}/auth/oidc/callback`,
			response_type: 'code',
			code_challenge_method: 'S256',
			scope: 'openid email profile groups'
		});
		expect(to.searchParams.get('state')).toMatch(/.{20,}/);
		expect(to.searchParams.get('nonce')).toMatch(/.{20,}/);
		expect(cookies.jar.get(flowCookie(false).name)).toMatch(/.{20,}/);
		expect((await db().select().from(oidcFlow)).length).toBeGreaterThan(0);
	});

	it('matches an existing person by verified email, remembers them by sub, and follows next', async () => {
		const ana = await createUserRow('member', { email: 'ana@example.com' });
		const { outcome, cookies } = await signInAs('ana', '/portfolio');
		expect(outcome).toMatchObject({ kind: 'redirect', location: '/portfolio' });
		expect(cookies.jar.get('session')).toBeTruthy();
		expect(await db().select().from(userIdentity).where(eq(userIdentity.userId, ana.id))).toEqual([
			expect.objectContaining({ issuer: op.issuer, subject: 'ana' })
		]);
		expect(await db().select().from(auditLog).where(eq(auditLog.action, 'user.sso_link'))).toEqual([
			expect.objectContaining({ entityId: String(ana.id), after: { issuer: op.issuer, subject: 'ana', email: 'ana@example.com' } })
		]);
		const [s] = await db().select().from(session).where(eq(session.userId, ana.id));
		expect(s.idToken).toMatch(/^ey/);
		// The provider changes her address: she is still herself, by sub.
		accounts.ana.email = 'ana.ops@example.com';
		expect((await signInAs('ana', '/portfolio')).outcome).toMatchObject({ kind: 'redirect' });
		expect(await userByEmail('ana.ops@example.com')).toBeUndefined();
		accounts.ana.email = 'ana@example.com';
	});

	it('an invited person is created with the invitation’s role and teams, asked to score their team’s open rounds, and lands on the first assessment', async () => {
		const admin = await createUserRow('admin');
		const lead = await createUserRow('lead');
		const team = await createTeamRow('Newbie team');
		const tech = await createTechnologyRow('Newbie Kafka', team.id);
		const r = await createRoundRow('open', [{ technologyId: tech.id, userIds: [lead.id] }]);
		await createInvitation(admin.id, { email: 'invited@example.com', role: 'member', teamIds: [team.id] });
		const { outcome } = await signInAs('newbie');
		expect(outcome).toMatchObject({ kind: 'redirect', location: `/rounds/${r.id}/assess/${tech.slug}` });
		const user = await userByEmail('invited@example.com');
		expect(user).toMatchObject({ role: 'member', name: 'New Person', passwordHash: '' });
		expect(await db().select().from(userTeam).where(eq(userTeam.userId, user.id))).toEqual([{ userId: user.id, teamId: team.id }]);
		const [inv] = await db().select().from(invitation).where(eq(invitation.email, 'invited@example.com'));
		expect(inv.usedAt).not.toBeNull();
	});

	it('the groups claim maps to roles and teams as /admin/sso says, at every sign-in, audited', async () => {
		const admin = await createUserRow('admin');
		const leads = await createTeamRow('Ops leads');
		expect(
			await saveSsoConfig(admin.id, 0, {
				groupsClaim: 'groups',
				defaultRole: 'viewer',
				mappings: [{ group: 'ops-leads', role: 'lead', teamId: leads.id }]
			})
		).toBe('saved');
		await signInAs('ana');
		const ana = await userByEmail('ana@example.com');
		expect(ana.role).toBe('lead');
		expect((await db().select().from(userTeam).where(eq(userTeam.userId, ana.id))).map((t) => t.teamId)).toEqual([leads.id]);
		// She leaves the group at the provider: the mapped team and role follow.
		accounts.ana.groups = [];
		await signInAs('ana');
		expect(await userByEmail('ana@example.com')).toMatchObject({ role: 'viewer' });
		expect(await db().select().from(userTeam).where(eq(userTeam.userId, ana.id))).toEqual([]);
		const audit = await db().select().from(auditLog).where(eq(auditLog.action, 'user.sso_groups'));
		expect(audit.length).toBe(2);
	});

	it('an invited member whose groups map to nothing arrives with the invitation’s role and teams, and keeps them', async () => {
		const admin = await createUserRow('admin');
		const tooling = await createTeamRow('Delivery Tooling');
		const leads = await createTeamRow('Tooling leads');
		const { version } = await getSsoConfig();
		// Another group gives the same role as the invitation: Tia's still came from the invitation.
		const mappings = [
			{ group: 'tooling-leads', role: 'lead' as const, teamId: leads.id },
			{ group: 'sre', role: 'member' as const, teamId: null }
		];
		expect(await saveSsoConfig(admin.id, version, { groupsClaim: 'groups', defaultRole: 'viewer', mappings })).toBe('saved');
		await createInvitation(admin.id, { email: 'tia@example.com', role: 'member', teamIds: [tooling.id] });
		expect((await signInAs('tooling')).outcome).toMatchObject({ kind: 'redirect' });
		const tia = await userByEmail('tia@example.com');
		expect(tia.role).toBe('member');
		expect((await db().select().from(userTeam).where(eq(userTeam.userId, tia.id))).map((t) => t.teamId)).toEqual([tooling.id]);
		// The next sign-in: the groups still give no role, so the invitation's stays.
		expect((await signInAs('tooling')).outcome).toMatchObject({ kind: 'redirect' });
		expect(await userByEmail('tia@example.com')).toMatchObject({ role: 'member' });
		// Joining the mapped group gives its role, and leaving it takes that role away again.
		accounts.tooling.groups = ['delivery-tooling', 'tooling-leads'];
		await signInAs('tooling');
		expect(await userByEmail('tia@example.com')).toMatchObject({ role: 'lead' });
		accounts.tooling.groups = ['delivery-tooling'];
		await signInAs('tooling');
		expect(await userByEmail('tia@example.com')).toMatchObject({ role: 'viewer' });
		// A role an administrator sets stays too, whatever the groups give others.
		expect(await updateUser(admin.id, tia.id, { role: 'member', teamIds: [tooling.id], active: true })).toBe('updated');
		await signInAs('tooling');
		expect(await userByEmail('tia@example.com')).toMatchObject({ role: 'member' });
	});

	it('the break-glass account never signs in through the provider', async () => {
		await createUserRow('admin', { email: 'glass@example.com' });
		env.BREAK_GLASS_EMAIL = 'glass@example.com';
		try {
			expect((await signInAs('glass')).outcome).toMatchObject({
				kind: 'error',
				status: 403,
				message: expect.stringContaining('break-glass')
			});
			expect(await db().select().from(userIdentity).where(eq(userIdentity.subject, 'glass'))).toEqual([]);
		} finally {
			delete env.BREAK_GLASS_EMAIL;
		}
	});

	it('someone new and uninvited gets the default role', async () => {
		expect((await signInAs('stranger')).outcome).toMatchObject({ kind: 'redirect', location: '/' });
		expect(await userByEmail('stranger@example.com')).toMatchObject({ role: 'viewer' });
	});

	it('signing out ends the session here and at the provider', async () => {
		const { cookies } = await signInAs('stranger');
		const user = await userByEmail('stranger@example.com');
		const [s] = await db().select().from(session).where(eq(session.userId, user.id)).orderBy(session.createdAt);
		const out = await run(
			logout.actions.default,
			fakeEvent({
				user: { id: user.id, email: user.email, name: user.name, role: user.role },
				session: { id: s.id, expiresAt: s.expiresAt },
				cookies
			})
		);
		expect(out.kind).toBe('redirect');
		const to = new URL((out as { location: string }).location);
		expect(to.origin + to.pathname).toBe(`${op.issuer}/session/end`);
		expect(to.searchParams.get('post_logout_redirect_uri')).toBe(`${APP}/login`);
		expect(to.searchParams.get('id_token_hint')).toBe(s.idToken);
		expect(await db().select().from(session).where(eq(session.id, s.id))).toEqual([]);
	});
});

describe('single sign-on failures show a clear page and create nothing', () => {
	const people = async () => (await db().select({ id: appUser.id }).from(appUser)).length;
	let before: number;
	beforeEach(async () => {
		before = await people();
	});

	it('an unverified email', async () => {
		const { outcome } = await signInAs('unverified');
		expect(outcome).toMatchObject({ kind: 'error', status: 403, message: expect.stringContaining('no verified email address') });
		expect(await people()).toBe(before);
	});

	it('a callback without its flow cookie, or with a state that is not the flow’s (expired, forged)', async () => {
		const { to, cookies } = await start();
		const back = await loginAtProvider(to, 'stranger');
		expect(await finish(back, fakeCookies())).toMatchObject({
			kind: 'error',
			status: 400,
			message: expect.stringContaining('took too long')
		});
		const forged = new URL(back);
		forged.searchParams.set('state', 'not-the-state');
		expect(await finish(forged, cookies)).toMatchObject({ kind: 'error', status: 400 });
		expect(await people()).toBe(before);
		// A stray link does not end the sign-in in progress: its genuine answer still completes it, once.
		const genuine = await finish(back, cookies);
		expect(genuine, JSON.stringify(genuine)).toMatchObject({ kind: 'redirect' });
		expect(await finish(back, cookies)).toMatchObject({ kind: 'error', status: 400 });
	});

	it('a replayed code', async () => {
		const first = await signInAs('stranger');
		expect(first.outcome.kind).toBe('redirect');
		const { to, cookies } = await start();
		const replay = new URL(first.back);
		replay.searchParams.set('state', to.searchParams.get('state')!);
		expect(await finish(replay, cookies)).toMatchObject({ kind: 'error', status: 400, message: expect.stringContaining('did not accept') });
		expect(await people()).toBe(before);
	});

	it('the provider refusing (the person cancelled)', async () => {
		const { to, cookies } = await start();
		const denied = new URL(
			`${APP}/auth/oidc/callback?error=access_denied&error_description=End-User+aborted&state=${to.searchParams.get('state')}`
		);
		expect(await finish(denied, cookies)).toMatchObject({
			kind: 'error',
			status: 400,
			message: expect.stringContaining('End-User aborted')
		});
	});

	it('an ID token for another audience', async () => {
		const fake = await startFakeProvider({ aud: 'someone-else' });
		try {
			await startOidc({ ...settings(), issuer: fake.issuer });
			const { to, cookies } = await start();
			fake.nonce = to.searchParams.get('nonce')!;
			const back = new URL(`${APP}/auth/oidc/callback?code=abc&state=${to.searchParams.get('state')}`);
			expect(await finish(back, cookies)).toMatchObject({ kind: 'error', status: 502, message: expect.stringContaining('OIDC_CLIENT_ID') });
			expect(await people()).toBe(before);
		} finally {
			await startOidc(settings());
			await fake.close();
		}
	});

	it('the provider unreachable when the code is exchanged', async () => {
		const { to, cookies } = await start();
		const back = await loginAtProvider(to, 'stranger');
		await op.close();
		expect(await finish(back, cookies)).toMatchObject({
			kind: 'error',
			status: 503,
			message: expect.stringContaining('could not be reached')
		});
		expect(await people()).toBe(before);
	});
});

/** A provider that signs whatever the test says: the one way to make an ID token name another audience. */
async function startFakeProvider(claims: { aud: string }) {
	const port = await freePort();
	const issuer = `http://127.0.0.1:${port}`;
	const { publicKey, privateKey } = await generateKeyPair('RS256');
	const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
	const state = { nonce: '' };
	const answer = async (req: IncomingMessage, res: ServerResponse) => {
		const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
		if (req.url === '/.well-known/openid-configuration')
			return json({
				issuer,
				authorization_endpoint: `${issuer}/auth`,
				token_endpoint: `${issuer}/token`,
				jwks_uri: `${issuer}/jwks`,
				response_types_supported: ['code'],
				subject_types_supported: ['public'],
				id_token_signing_alg_values_supported: ['RS256']
			});
		if (req.url === '/jwks') return json({ keys: [jwk] });
		const idToken = await new SignJWT({ nonce: state.nonce, email: 'x@example.com', email_verified: true })
			.setProtectedHeader({ alg: 'RS256', kid: 'k1' })
			.setIssuer(issuer)
			.setSubject('x')
			.setAudience(claims.aud)
			.setIssuedAt()
			.setExpirationTime('5m')
			.sign(privateKey);
		json({ access_token: 'at', token_type: 'Bearer', id_token: idToken, expires_in: 300 });
	};
	const server: Server = createServer((req, res) => void answer(req, res));
	await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
	return Object.assign(state, { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}
