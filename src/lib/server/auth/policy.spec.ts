import { describe, expect, it } from 'vitest';
import { ROLES } from '#lib/domain/roles.ts';
import { can, capabilitiesOf, CAPABILITIES, type Capability } from './policy';

// The policy written out by hand, one row per capability: viewer, member, lead, admin.
const EXPECTED: Record<Capability, [boolean, boolean, boolean, boolean]> = {
	read: [true, true, true, true],
	score: [false, true, true, true],
	manageRounds: [false, false, true, true],
	editCatalog: [false, false, true, true],
	editBacklog: [false, false, true, true],
	downloadData: [false, false, true, true],
	seeRespondents: [false, false, true, true],
	administer: [false, false, false, true]
};

describe('access policy', () => {
	it('covers exactly the capabilities written out here', () => {
		expect(Object.keys(CAPABILITIES).sort()).toEqual(Object.keys(EXPECTED).sort());
	});

	it.each(Object.entries(EXPECTED))('%s: viewer, member, lead, admin', (capability, expected) => {
		const order = ['viewer', 'member', 'lead', 'admin'] as const;
		expect(order.map((role) => can({ role }, capability as Capability))).toEqual(expected);
	});

	it('grants nothing to someone signed out', () => {
		expect(Object.values(capabilitiesOf(null)).some(Boolean)).toBe(false);
	});

	it('lets nobody download data who may not see respondents, since the files carry names', () => {
		for (const role of ROLES) if (can({ role }, 'downloadData')) expect(can({ role }, 'seeRespondents')).toBe(true);
	});

	it('answers the same for a page flag as for a guard', () => {
		for (const role of ROLES) {
			const flags = capabilitiesOf({ role });
			for (const capability of Object.keys(CAPABILITIES) as Capability[]) expect(flags[capability]).toBe(can({ role }, capability));
		}
	});
});
