import { describe, expect, it } from 'vitest';
import { DEFAULT_SSO, groupsOf, membershipFrom, newcomerRole, roleAtSignIn, type SsoConfig } from './sso';

const config: SsoConfig = {
	groupsClaim: 'groups',
	defaultRole: 'viewer',
	mappings: [
		{ group: 'ops-admins', role: 'admin', teamId: null },
		{ group: 'ops-leads', role: 'lead', teamId: 1 },
		{ group: 'sre', role: 'member', teamId: 1 },
		{ group: 'dba', role: null, teamId: 2 }
	]
};

describe('group mapping', () => {
	it.each([
		[['ops-leads', 'sre'], 'lead', [1]],
		[['sre', 'ops-admins'], 'admin', [1]],
		[['dba'], null, [2]],
		[['unrelated'], null, []],
		[[], null, []]
	] as const)('groups %j give role %s and teams %j', (groups, role, teams) => {
		const m = membershipFrom(config, [...groups]);
		expect(m.role).toBe(role);
		expect(m.teamIds).toEqual(teams);
		expect(m.managedTeamIds).toEqual([1, 2]);
	});

	it('says nothing when the provider sends no groups claim, or nothing is mapped', () => {
		expect(membershipFrom(config, null)).toEqual({ claimed: false, role: null, teamIds: [], managedTeamIds: [] });
		expect(membershipFrom(DEFAULT_SSO, ['ops-admins'])).toEqual({ claimed: true, role: null, teamIds: [], managedTeamIds: [] });
	});

	it('with team mappings only, roles stay as they are', () => {
		expect(membershipFrom({ ...config, mappings: [{ group: 'dba', role: null, teamId: 2 }] }, ['dba']).role).toBe(null);
	});

	it.each([
		// groups, invited as, role on arrival
		[['ops-leads'], 'member', 'lead'],
		[['unrelated'], 'member', 'member'],
		[[], 'lead', 'lead'],
		[null, 'member', 'member'],
		[['unrelated'], undefined, 'viewer'],
		[['dba'], undefined, 'viewer']
	] as const)('a newcomer with groups %j invited as %s arrives as %s', (groups, invited, role) => {
		expect(newcomerRole(membershipFrom(config, groups ? [...groups] : null), invited, 'viewer')).toBe(role);
	});

	it.each([
		// groups, role now, given by the groups, role after (null: kept)
		[['ops-admins'], 'member', false, 'admin'],
		[['sre'], 'lead', true, 'member'],
		// Left the group that gave the role: back to the default.
		[['unrelated'], 'lead', true, 'viewer'],
		[[], 'admin', true, 'viewer'],
		[['dba'], 'member', true, 'viewer'],
		[['unrelated'], 'viewer', false, null],
		// A role an invitation or an administrator gave stays while the groups give none, even one a mapping gives others.
		[['dba'], 'member', false, null],
		[['unrelated'], 'lead', false, null],
		// No groups claim says nothing.
		[null, 'lead', true, null]
	] as const)('a later sign-in with groups %j turns %s (from the groups: %s) into %s', (groups, role, fromGroups, after) => {
		const next = roleAtSignIn(membershipFrom(config, groups ? [...groups] : null), { role, fromGroups }, 'viewer');
		expect(next?.role ?? null).toBe(after);
		if (next) expect(next.fromGroups).toBe(!!groups?.some((g) => ['ops-admins', 'ops-leads', 'sre'].includes(g)));
	});

	it('an invited member whose groups match nothing keeps the invitation’s role at every sign-in', () => {
		const m = membershipFrom(config, ['delivery-tooling']);
		expect(newcomerRole(m, 'member', 'viewer')).toBe('member');
		expect(roleAtSignIn(m, { role: 'member', fromGroups: false }, 'viewer')).toBe(null);
	});

	it('reads the claim as an array or a single string, and ignores anything else', () => {
		expect(groupsOf({ groups: ['a', 1, 'b'] }, 'groups')).toEqual(['a', 'b']);
		expect(groupsOf({ roles: 'a' }, 'roles')).toEqual(['a']);
		expect(groupsOf({ groups: { a: 1 } }, 'groups')).toBe(null);
		expect(groupsOf({}, 'groups')).toBe(null);
	});
});
