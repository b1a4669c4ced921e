import { describe, expect, it } from 'vitest';
import { DEFAULT_SSO, groupsOf, membershipFrom, type SsoConfig } from './sso';

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
		[['dba'], 'viewer', [2]],
		[['unrelated'], 'viewer', []],
		[[], 'viewer', []]
	] as const)('groups %j give role %s and teams %j', (groups, role, teams) => {
		const m = membershipFrom(config, [...groups]);
		expect(m.role).toBe(role);
		expect(m.teamIds).toEqual(teams);
		expect(m.managedTeamIds).toEqual([1, 2]);
	});

	it('says nothing when the provider sends no groups claim, or nothing is mapped', () => {
		expect(membershipFrom(config, null)).toEqual({ role: null, teamIds: [], managedTeamIds: [] });
		expect(membershipFrom(DEFAULT_SSO, ['ops-admins'])).toEqual({ role: null, teamIds: [], managedTeamIds: [] });
	});

	it('with team mappings only, roles stay as they are', () => {
		expect(membershipFrom({ ...config, mappings: [{ group: 'dba', role: null, teamId: 2 }] }, ['dba']).role).toBe(null);
	});

	it('reads the claim as an array or a single string, and ignores anything else', () => {
		expect(groupsOf({ groups: ['a', 1, 'b'] }, 'groups')).toEqual(['a', 'b']);
		expect(groupsOf({ roles: 'a' }, 'roles')).toEqual(['a']);
		expect(groupsOf({ groups: { a: 1 } }, 'groups')).toBe(null);
		expect(groupsOf({}, 'groups')).toBe(null);
	});
});
