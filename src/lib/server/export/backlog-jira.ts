import { LANE_INFO } from '#lib/domain/framework.ts';
import type { BacklogItem } from '#lib/domain/remediation.ts';

type Item = Pick<
	BacklogItem,
	| 'title'
	| 'actions'
	| 'kind'
	| 'vectorKey'
	| 'lane'
	| 'currentLevel'
	| 'targetLevel'
	| 'priority'
	| 'size'
	| 'technologyName'
	| 'technologySlug'
	| 'ticketUrl'
>;

/** Jira's CSV importer maps these headers directly; repeated "Labels" columns become several labels. */
export const JIRA_HEADER = ['Summary', 'Description', 'Story Points', 'Labels', 'Labels', 'Labels', 'Priority', 'Issue Type'];

export function jiraPriority(priority: number): string {
	if (priority >= 4) return 'Highest';
	if (priority >= 3) return 'High';
	if (priority >= 1.5) return 'Medium';
	if (priority > 0) return 'Low';
	return 'Lowest';
}

export function jiraRow(item: Item): (string | number)[] {
	const description = [
		// A calibrate item already meets its target: "3 → 3" would read as a story with nothing to do.
		`${item.technologyName}: ${item.kind === 'calibrate' ? 'respondents disagree on' : 'raise'} ${item.vectorKey.replaceAll('_', ' ')} (${LANE_INFO[item.lane].name} lane), level ${item.currentLevel ?? '—'}${item.kind === 'calibrate' ? ` (target ${item.targetLevel})` : ` → ${item.targetLevel}`}.`,
		'',
		'Suggested next actions:',
		...item.actions.map((a) => `* ${a}`),
		...(item.ticketUrl ? ['', `Existing ticket: ${item.ticketUrl}`] : [])
	].join('\n');
	return [
		item.title,
		description,
		item.size,
		'opsmaturity',
		item.technologySlug,
		`${item.lane}-${item.vectorKey}`.replaceAll('_', '-'),
		jiraPriority(item.priority),
		'Story'
	];
}
