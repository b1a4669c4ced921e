import { describe, expect, it } from 'vitest';
import { scopeGroups } from './scope-groups';

describe('scopeGroups', () => {
	it('offers all, everything due, each team and each category, with the ids each covers', () => {
		const groups = scopeGroups([
			{ id: 1, name: 'Kafka', category: 'messaging', teamId: 7, teamName: 'Data', due: true },
			{ id: 2, name: 'Kubernetes', category: 'orchestration', teamId: 3, teamName: 'SRE', due: false },
			{ id: 3, name: 'NATS', category: 'messaging', teamId: 3, teamName: 'SRE', due: false },
			{ id: 4, name: 'Loki', category: 'observability', teamId: null, teamName: null, due: true }
		]);
		expect(groups.map((g) => [g.kind, g.label, g.name, g.value, g.ids])).toEqual([
			['', 'All', 'all', '1', [1, 2, 3, 4]],
			['', 'Everything due', 'due', '1', [1, 4]],
			['Team', 'Data', 'team', '7', [1]],
			['Team', 'SRE', 'team', '3', [2, 3]],
			['Category', 'messaging', 'category', 'messaging', [1, 3]],
			['Category', 'observability', 'category', 'observability', [4]],
			['Category', 'orchestration', 'category', 'orchestration', [2]]
		]);
	});

	it('offers only "All (0)" when nothing is left to add', () => {
		expect(scopeGroups([]).map((g) => [g.label, g.ids.length])).toEqual([['All', 0]]);
	});
});
