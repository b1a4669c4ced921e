import { describe, expect, it } from 'vitest';
import { describeAudit, idsIn, type NameBook } from './audit-entry';

const names: NameBook = {
	user: new Map([
		[3, 'Mia Member'],
		[7, 'Sam Okafor']
	]),
	team: new Map([[2, 'Platform SRE']]),
	technology: new Map([[5, 'Kafka']]),
	round: new Map([[9, '2026 Q4']])
};

describe('describeAudit', () => {
	it.each([
		[
			'a closed round',
			{ action: 'round.close', entity: 'round', entityId: '9', before: { state: 'open' }, after: { state: 'closed' } },
			'closed round 2026 Q4',
			[{ field: 'state', before: 'open', after: 'closed' }]
		],
		[
			'a removal, with names for ids',
			{ action: 'round.remove-respondent', entity: 'round', entityId: '9', before: { technologyId: 5, userIds: [3, 7] }, after: null },
			'removed respondents from round 2026 Q4',
			[
				{ field: 'technologyId', before: 'Kafka', after: '—' },
				{ field: 'userIds', before: 'Mia Member, Sam Okafor', after: '—' }
			]
		],
		[
			'a user change shows only what changed, with team names',
			{
				action: 'user.update',
				entity: 'user',
				entityId: '3',
				before: { role: 'member', active: true, teamIds: [] },
				after: { role: 'member', active: false, teamIds: [2] }
			},
			'changed user Mia Member',
			[
				{ field: 'active', before: 'true', after: 'false' },
				{ field: 'teamIds', before: '—', after: 'Platform SRE' }
			]
		],
		[
			'never a hash or token, and an unknown id says so',
			{
				action: 'invitation.create',
				entity: 'invitation',
				entityId: '4',
				before: null,
				after: { tokenHash: 'abc', role: 'lead', createdBy: 99 }
			},
			'invited someone as invitation #4',
			[
				{ field: 'role', before: '—', after: 'lead' },
				{ field: 'createdBy', before: '—', after: '#99' }
			]
		]
	])('%s', (_, row, summary, changes) => {
		expect(describeAudit(row, names)).toEqual({ summary, changes });
	});

	it('an import names how many technologies, not "imported technologies technology"', () => {
		const row = (slugs: string[]) => ({
			action: 'technology.import',
			entity: 'technology',
			entityId: null,
			before: null,
			after: { slugs }
		});
		expect(describeAudit(row(['kafka', 'redis']), names).summary).toBe('imported 2 technologies');
		expect(describeAudit(row(['kafka']), names).summary).toBe('imported 1 technology');
	});

	it('collects every id an entry names, by kind', () => {
		const ids = idsIn([
			{ action: 'round.remove-respondent', entity: 'round', entityId: '9', before: { technologyId: 5, userIds: [3, 7] }, after: null },
			{ action: 'user.update', entity: 'user', entityId: '3', before: { teamIds: [2] }, after: { teamIds: ['x'] } }
		]);
		expect(ids).toEqual({ user: new Set([3, 7]), team: new Set([2]), technology: new Set([5]), round: new Set([9]) });
	});
});
