import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { env } from '#lib/server/env.ts';
import { db } from '../../src/lib/server/db';
import type { SessionUser } from '../../src/lib/server/auth/session';
import { getSsoConfig } from '../../src/lib/server/queries/settings';
import { createInvitation } from '../../src/lib/server/queries/users';
import * as ssoPage from '../../src/routes/(app)/admin/sso/+page.server';
import * as login from '../../src/routes/(auth)/login/+page.server';
import * as invite from '../../src/routes/(auth)/invite/[token]/+page.server';
import * as account from '../../src/routes/(app)/account/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createTeamRow, createUserRow, TEST_PASSWORD } from '../helpers/factories';

useTestDatabase();

let admin: SessionUser, breakGlass: SessionUser, teamId: number;

beforeAll(async () => {
	admin = await createUserRow('admin');
	breakGlass = await createUserRow('admin', { email: 'glass@example.com' });
	teamId = (await createTeamRow('Mapped')).id;
});

afterEach(async () => {
	delete env.LOCAL_LOGIN;
	delete env.BREAK_GLASS_EMAIL;
	await db().execute(sql`delete from login_failure`);
});

describe('the group mapping at /admin/sso', () => {
	const save = (form: Record<string, string>) => run(ssoPage.actions.save, fakeEvent({ user: admin, form }));

	it('saves rows that give a role, a team or both, skipping blank rows', async () => {
		const out = await save({
			version: '0',
			groupsClaim: 'roles',
			defaultRole: 'member',
			'group.0': 'ops-admins',
			'role.0': 'admin',
			'team.0': '',
			'group.1': 'dba',
			'role.1': '',
			'team.1': String(teamId),
			'group.2': '',
			'role.2': '',
			'team.2': ''
		});
		expect(dataOf(out)).toEqual({ saved: true });
		expect(await getSsoConfig()).toEqual({
			version: 1,
			groupsClaim: 'roles',
			defaultRole: 'member',
			mappings: [
				{ group: 'ops-admins', role: 'admin', teamId: null },
				{ group: 'dba', role: null, teamId }
			]
		});
		const page = dataOf(await run(ssoPage.load, fakeEvent({ user: admin })));
		expect(page).toMatchObject({ provider: null, localLogin: true, config: { version: 1 } });
	});

	it('names the field of every problem, and saves nothing', async () => {
		const out = await save({
			version: '1',
			groupsClaim: 'groups claim',
			defaultRole: 'owner',
			'group.0': 'a',
			'role.0': '',
			'team.0': '',
			'group.1': 'b',
			'role.1': 'lead',
			'team.1': '999999',
			'group.2': 'b',
			'role.2': 'member',
			'team.2': '',
			'group.3': 'c\u0000',
			'role.3': 'lead',
			'team.3': ''
		});
		expect(out).toMatchObject({ kind: 'failure', status: 400 });
		expect(Object.keys((out as { data: { errors: object } }).data.errors).sort()).toEqual([
			'defaultRole',
			'group.0',
			'group.2',
			'group.3',
			'groupsClaim',
			'team.1'
		]);
		expect((await getSsoConfig()).version).toBe(1);
	});

	it('never makes admin the role of everyone the provider lets in', async () => {
		const out = await save({ version: '1', groupsClaim: 'groups', defaultRole: 'admin' });
		expect(out).toMatchObject({
			kind: 'failure',
			status: 400,
			data: { errors: { defaultRole: expect.stringContaining('admin is given only through a group') } }
		});
	});

	it('refuses a save over someone else’s', async () => {
		const out = await save({ version: '0', groupsClaim: 'groups', defaultRole: 'viewer' });
		expect(out).toMatchObject({ kind: 'failure', status: 409 });
	});
});

describe('LOCAL_LOGIN=0', () => {
	const signIn = (email: string) =>
		run(
			login.actions.default,
			fakeEvent({ form: { email, password: TEST_PASSWORD, next: '/' }, address: `10.0.0.${Math.floor(Math.random() * 200)}` })
		);

	it('turns passwords off for everyone but the break-glass account', async () => {
		expect(await signIn(admin.email)).toMatchObject({ kind: 'redirect' });
		env.LOCAL_LOGIN = '0';
		env.BREAK_GLASS_EMAIL = 'Glass@example.com';
		expect(await signIn(admin.email)).toMatchObject({ kind: 'failure', status: 400 });
		expect(await signIn(breakGlass.email)).toMatchObject({ kind: 'redirect', location: '/' });
		const page = dataOf(await run(login.load, fakeEvent({ url: '/login' })));
		expect(page).toMatchObject({ passwords: false, breakGlass: true, sso: null });
		expect(dataOf(await run(login.load, fakeEvent({ url: '/login?local=1' })))).toMatchObject({ passwords: true });
	});

	it('an invitation cannot be accepted with a password, and no password can be changed', async () => {
		env.LOCAL_LOGIN = '0';
		const token = await createInvitation(admin.id, { email: 'later@example.com', role: 'member', teamIds: [] });
		expect(dataOf(await run(invite.load, fakeEvent({ params: { token } })))).toMatchObject({ passwords: false });
		const accept = await run(
			invite.actions.default,
			fakeEvent({ params: { token }, form: { name: 'Later', password: 'a long enough password', confirm: 'a long enough password' } })
		);
		expect(accept).toMatchObject({ kind: 'failure', status: 403 });
		expect(dataOf(await run(account.load, fakeEvent({ user: admin })))).toMatchObject({ password: false });
		const change = await run(
			account.actions.password,
			fakeEvent({ user: admin, form: { current: TEST_PASSWORD, password: 'another long password', confirm: 'another long password' } })
		);
		expect(change).toMatchObject({ kind: 'failure', status: 403 });
	});
});
