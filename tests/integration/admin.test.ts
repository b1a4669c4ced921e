import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { appUser, auditLog, invitation, technology, userTeam } from '../../src/lib/server/db/schema';
import { createSession, generateToken, validateSessionToken } from '../../src/lib/server/auth/session';
import { databaseReady } from '../../src/lib/server/queries/health';
import * as users from '../../src/routes/(app)/admin/users/+page.server';
import * as teams from '../../src/routes/(app)/admin/teams/+page.server';
import * as audit from '../../src/routes/(app)/admin/audit/+page.server';
import * as auditCsv from '../../src/routes/(app)/admin/audit/export.csv/+server';
import Papa from 'papaparse';
import * as invite from '../../src/routes/(auth)/invite/[token]/+page.server';
import { useTestDatabase } from '../helpers/db';
import { dataOf, fakeEvent, run } from '../helpers/event';
import { createTeamRow, createUserRow } from '../helpers/factories';

useTestDatabase();
const PASSWORD = 'a long enough password';

describe('role checks', () => {
	it.each(['lead', 'member', 'viewer'] as const)('a %s gets 403 from admin loads and actions', async (role) => {
		const user = await createUserRow(role);
		// Handlers of several routes, each taking its own route's event: any of them takes the fake one.
		const handlers: ((event: never) => unknown)[] = [
			users.load,
			users.actions.invite,
			users.actions.update,
			teams.load,
			teams.actions.create,
			teams.actions.delete,
			audit.load
		];
		for (const fn of handlers) {
			expect(
				await run(fn, fakeEvent({ user, form: { name: 'X', email: 'a@b.io', role: 'admin', userId: String(user.id), teamId: '1' } }))
			).toMatchObject({ kind: 'error', status: 403 });
		}
		const [after] = await db().select().from(appUser).where(eq(appUser.id, user.id));
		expect(after.role).toBe(role);
	});

	it('an anonymous request is sent to login with its path', async () => {
		const out = await run(teams.load, fakeEvent({ url: '/admin/teams?x=1' }));
		expect(out).toEqual({ kind: 'redirect', status: 303, location: '/login?next=%2Fadmin%2Fteams%3Fx%3D1' });
	});
});

describe('invitations', () => {
	it('invites with a role and teams; the link works once', async () => {
		const admin = await createUserRow('admin');
		const sre = await createTeamRow('SRE');
		const bad = await run(users.actions.invite, fakeEvent({ user: admin, form: { email: 'not-an-email', role: 'member' } }));
		expect(bad).toMatchObject({ kind: 'failure', data: { errors: { email: 'Enter a valid email address.' } } });
		expect(await db().select().from(invitation)).toHaveLength(0);

		const out = await run(
			users.actions.invite,
			fakeEvent({ user: admin, form: { email: 'New@x.io', role: 'lead', teamIds: [String(sre.id)] } })
		);
		const link = dataOf<{ invited: { link: string } }>(out).invited.link;
		const token = link.split('/invite/')[1];
		expect(token.length).toBeGreaterThanOrEqual(32);
		const [stored] = await db().select().from(invitation);
		expect(stored.tokenHash).not.toContain(token);

		expect(await run(invite.load, fakeEvent({ params: { token } }))).toEqual({
			kind: 'data',
			data: { email: 'new@x.io', role: 'lead', sso: null, passwords: true }
		});
		const mismatch = await run(
			invite.actions.default,
			fakeEvent({ params: { token }, form: { name: 'Nia', password: PASSWORD, confirm: 'different password' } })
		);
		expect(mismatch).toMatchObject({ kind: 'failure', data: { errors: { confirm: 'The two passwords differ.' } } });

		const accepted = await run(
			invite.actions.default,
			fakeEvent({ params: { token }, form: { name: 'Nia', password: PASSWORD, confirm: PASSWORD } })
		);
		expect(accepted).toMatchObject({ kind: 'redirect', location: '/' });
		const [nia] = await db().select().from(appUser).where(eq(appUser.email, 'new@x.io'));
		expect(nia).toMatchObject({ name: 'Nia', role: 'lead' });
		expect(await db().select({ t: userTeam.teamId }).from(userTeam).where(eq(userTeam.userId, nia.id))).toEqual([{ t: sre.id }]);

		const reused = await run(
			invite.actions.default,
			fakeEvent({ params: { token }, form: { name: 'Eve', password: PASSWORD, confirm: PASSWORD } })
		);
		expect(reused).toMatchObject({ kind: 'error', status: 404 });
	});

	it('an expired invitation is refused', async () => {
		const admin = await createUserRow('admin');
		const out = await run(users.actions.invite, fakeEvent({ user: admin, form: { email: 'late@x.io', role: 'member' } }));
		const token = dataOf<{ invited: { link: string } }>(out).invited.link.split('/invite/')[1];
		await db()
			.update(invitation)
			.set({ expiresAt: new Date(Date.now() - 1) })
			.where(eq(invitation.email, 'late@x.io'));
		expect(await run(invite.load, fakeEvent({ params: { token } }))).toMatchObject({ kind: 'error', status: 404 });
	});

	it('refuses to invite an email that already has an account', async () => {
		const admin = await createUserRow('admin');
		const out = await run(users.actions.invite, fakeEvent({ user: admin, form: { email: admin.email, role: 'member' } }));
		expect(out).toMatchObject({ kind: 'failure', data: { errors: { email: 'Someone with this email already has an account.' } } });
	});
});

describe('managing users', () => {
	it('changes role and teams, and deactivation ends every session', async () => {
		const admin = await createUserRow('admin');
		const team = await createTeamRow();
		const member = await createUserRow('member');
		const token = generateToken();
		await createSession(token, member.id);
		const form = { userId: String(member.id), role: 'viewer', teamIds: [String(team.id)] };
		// Unticking "active" first asks; nothing changes until the admin confirms.
		const asked = await run(users.actions.update, fakeEvent({ user: admin, form }));
		expect(asked).toMatchObject({
			kind: 'failure',
			status: 409,
			data: { confirmDeactivation: { userId: member.id, role: 'viewer', teamIds: [team.id] } }
		});
		expect((await db().select().from(appUser).where(eq(appUser.id, member.id)))[0]).toMatchObject({ role: 'member', active: true });
		expect(await validateSessionToken(token)).not.toBeNull();
		const out = await run(users.actions.update, fakeEvent({ user: admin, form: { ...form, confirm: 'yes' } }));
		expect(out).toEqual({ kind: 'data', data: { updated: member.id } });
		const [after] = await db().select().from(appUser).where(eq(appUser.id, member.id));
		expect(after).toMatchObject({ role: 'viewer', active: false });
		expect(await validateSessionToken(token)).toBeNull();
		const [entry] = await db().select().from(auditLog).where(eq(auditLog.action, 'user.update'));
		expect(entry).toMatchObject({
			actorId: admin.id,
			before: { role: 'member', active: true, teamIds: [] },
			after: { role: 'viewer', active: false, teamIds: [team.id] }
		});
	});

	it('never leaves the organisation without an active admin', async () => {
		// Demote all other admins so exactly one remains.
		await db().update(appUser).set({ role: 'lead' }).where(eq(appUser.role, 'admin'));
		const admin = await createUserRow('admin');
		const out = await run(
			users.actions.update,
			fakeEvent({ user: admin, form: { userId: String(admin.id), role: 'member', active: 'on' } })
		);
		expect(out).toMatchObject({ kind: 'failure', status: 409 });
		const [after] = await db().select().from(appUser).where(eq(appUser.id, admin.id));
		expect(after.role).toBe('admin');
	});

	it('rejects an unknown role with a message', async () => {
		const admin = await createUserRow('admin');
		const out = await run(users.actions.update, fakeEvent({ user: admin, form: { userId: String(admin.id), role: 'root', active: 'on' } }));
		expect(out).toMatchObject({ kind: 'failure', status: 400, data: { errors: { role: 'Choose a role.' } } });
	});
});

describe('teams', () => {
	it('creates, refuses duplicates, renames, and will not delete a team that owns technology', async () => {
		const admin = await createUserRow('admin');
		expect(await run(teams.actions.create, fakeEvent({ user: admin, form: { name: '  Storage ' } }))).toEqual({
			kind: 'data',
			data: { created: 'Storage' }
		});
		const dup = await run(teams.actions.create, fakeEvent({ user: admin, form: { name: 'Storage' } }));
		expect(dup).toMatchObject({ kind: 'failure', data: { errors: { name: 'A team with this name already exists.' } } });
		const empty = await run(teams.actions.create, fakeEvent({ user: admin, form: { name: '   ' } }));
		expect(empty).toMatchObject({ kind: 'failure', data: { errors: { name: 'Team name is required.' } } });

		const loaded = (await teams.load(fakeEvent({ user: admin }))) as { teams: { id: number; name: string }[] };
		const storage = loaded.teams.find((t) => t.name === 'Storage')!;
		await run(teams.actions.rename, fakeEvent({ user: admin, form: { teamId: String(storage.id), name: 'Storage & Backup' } }));
		await db().insert(technology).values({ slug: 'ceph', name: 'Ceph', category: 'storage', teamId: storage.id });
		const refused = await run(teams.actions.delete, fakeEvent({ user: admin, form: { teamId: String(storage.id) } }));
		expect(refused).toMatchObject({ kind: 'failure', status: 409 });
		await db().delete(technology).where(eq(technology.slug, 'ceph'));
		expect(await run(teams.actions.delete, fakeEvent({ user: admin, form: { teamId: String(storage.id) } }))).toMatchObject({
			kind: 'data'
		});

		const log = await run(audit.load, fakeEvent({ user: admin, url: '/admin/audit' }));
		const entries = dataOf<{ entries: { summary: string; changes: { field: string; before: string; after: string }[] }[] }>(log).entries;
		// The team is gone; its entries still name it as they recorded it.
		expect(entries.slice(0, 3).map((e) => e.summary)).toEqual([
			'deleted team Storage & Backup',
			'renamed team Storage & Backup',
			'created team Storage'
		]);
		expect(entries[1].changes).toEqual([{ field: 'name', before: 'Storage', after: 'Storage & Backup' }]);
	});
});

describe('the audit log', () => {
	type Page = { entries: { who: string; summary: string; changes: { field: string; before: string; after: string }[] }[]; total: number };
	it('reads as who changed what from what to what, with names, filtered by person, kind and date, and exports the same as CSV', async () => {
		const admin = await createUserRow('admin', { name: '=HYPERLINK("http://evil.example","x")' });
		const team = await createTeamRow('Search');
		const person = await createUserRow('member', { name: 'Pat Person' });
		await run(
			users.actions.update,
			fakeEvent({ user: admin, form: { userId: String(person.id), role: 'lead', teamIds: [String(team.id)], active: 'on' } })
		);

		const load = async (query: string) => dataOf<Page>(await run(audit.load, fakeEvent({ user: admin, url: `/admin/audit${query}` })));
		const mine = await load(`?person=${admin.id}&entity=user`);
		expect(mine.total).toBe(1);
		expect(mine.entries[0]).toMatchObject({ who: admin.name, summary: 'changed user Pat Person' });
		expect(mine.entries[0].changes).toEqual([
			{ field: 'role', before: 'member', after: 'lead' },
			{ field: 'teamIds', before: '—', after: 'Search' }
		]);
		const today = new Date().toISOString().slice(0, 10);
		expect((await load(`?person=${admin.id}&from=${today}&to=${today}`)).total).toBe(1);
		expect((await load(`?person=${admin.id}&to=2000-01-01`)).total).toBe(0);
		// An impossible date or a hostile id is ignored, never a 500.
		expect((await load(`?person=${admin.id}&from=2026-02-30&entity=%00`)).total).toBe(1);
		expect((await load('?person=99999999999')).total).toBeGreaterThan(1);

		const res = await auditCsv.GET(fakeEvent({ user: admin, url: `/admin/audit/export.csv?person=${admin.id}` }));
		const csv = Papa.parse<string[]>((await res.text()).replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data;
		expect(csv[0]).toEqual(['When (UTC)', 'Who', 'What', 'Changes']);
		expect(csv.slice(1)).toEqual([
			[expect.stringMatching(/^\d{4}-/), `'${admin.name}`, 'changed user Pat Person', 'role: member → lead; teamIds: — → Search']
		]);
		await expect(auditCsv.GET(fakeEvent({ user: person, url: '/admin/audit/export.csv' }))).rejects.toMatchObject({ status: 403 });
	});
});

it('reports ready when migrated and the framework is installed', async () => {
	expect(await databaseReady()).toBe(true);
});
