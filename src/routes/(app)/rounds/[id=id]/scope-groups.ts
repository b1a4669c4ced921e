/** `due`: never rated, or past its reassessment cadence. */
export type Addable = { id: number; name: string; category: string; teamId: number | null; teamName: string | null; due: boolean };
export type ScopeGroup = {
	key: string;
	kind: '' | 'Team' | 'Category';
	label: string;
	name: 'all' | 'due' | 'team' | 'category';
	value: string;
	ids: number[];
};

/**
 * The groups a lead can select technologies by: all of them, everything due for reassessment, each team, each category, each with
 * the ids it covers (so its count is what selecting it ticks). The button's name and value are what
 * the form posts without JavaScript, when the server adds the group itself.
 */
export function scopeGroups(outside: readonly Addable[]): ScopeGroup[] {
	const teams = new Map<number, ScopeGroup>();
	const categories = new Map<string, ScopeGroup>();
	for (const t of outside) {
		if (t.teamId !== null) {
			const team = teams.get(t.teamId) ?? {
				key: `team-${t.teamId}`,
				kind: 'Team',
				label: t.teamName ?? '',
				name: 'team',
				value: String(t.teamId),
				ids: []
			};
			team.ids.push(t.id);
			teams.set(t.teamId, team);
		}
		const category = categories.get(t.category) ?? {
			key: `category-${t.category}`,
			kind: 'Category',
			label: t.category,
			name: 'category',
			value: t.category,
			ids: []
		};
		category.ids.push(t.id);
		categories.set(t.category, category);
	}
	const byLabel = (a: ScopeGroup, b: ScopeGroup) => a.label.localeCompare(b.label);
	const due = outside.filter((t) => t.due).map((t) => t.id);
	return [
		{ key: 'all', kind: '', label: 'All', name: 'all', value: '1', ids: outside.map((t) => t.id) },
		...(due.length ? [{ key: 'due', kind: '' as const, label: 'Everything due', name: 'due' as const, value: '1', ids: due }] : []),
		...[...teams.values()].sort(byLabel),
		...[...categories.values()].sort(byLabel)
	];
}
