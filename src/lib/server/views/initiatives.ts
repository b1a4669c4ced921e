import { describeGoal, initiativeProgress, meets, type InitiativeProgress } from '$lib/domain/initiatives';
import { formatDate, isoDate } from '$lib/domain/format';
import { getFramework } from '../queries/framework';
import { initiativesWithProgress, type InitiativeRow, type ProgressSource } from '../queries/initiatives';
import { initiativeSchema } from '../forms/initiative';
import { listTeams } from '../queries/teams';
import { listCategories } from '../queries/technologies';

export type InitiativeView = Omit<InitiativeRow, 'technologies'> & {
	goal: string;
	progress: InitiativeProgress;
	technologies: (InitiativeRow['technologies'][number] & { met: boolean })[];
};

/**
 * Initiatives with their progress, as every page shows them: the goal in words (vector names from
 * the current framework) and, per technology, whether it meets the goal.
 */
export async function initiativeViews(
	options: { source?: ProgressSource; technologyId?: number; initiativeId?: number } = {},
	today = isoDate(new Date())
): Promise<InitiativeView[]> {
	const [rows, framework] = await Promise.all([initiativesWithProgress(options), getFramework()]);
	const names = new Map(framework.vectors.map((v) => [v.key, v.name]));
	return rows.map((row) => {
		const vectorName = row.vectorKey === null ? null : (names.get(row.vectorKey) ?? row.vectorKey);
		const progress = initiativeProgress(
			row,
			row.technologies.map((t) => t.reached),
			today
		);
		return {
			...row,
			goal: describeGoal(row, vectorName, formatDate),
			progress,
			technologies: row.technologies.map((t) => ({ ...t, met: meets(t.reached, row.targetLevel) }))
		};
	});
}

/** Counts for a summary line: how many are overdue, in progress and met. */
export function initiativeCounts(views: Pick<InitiativeView, 'progress'>[]) {
	const count = (status: InitiativeProgress['status']) => views.filter((v) => v.progress.status === status).length;
	return { overdue: count('overdue'), open: count('open'), met: count('met') };
}

/** What the initiative form offers: the current framework's vectors, the categories in use, the teams. */
export async function initiativeChoices() {
	const [framework, categories, teams] = await Promise.all([getFramework(), listCategories(), listTeams()]);
	return {
		vectors: framework.vectors.map((v) => ({ key: v.key, name: v.name })),
		categories,
		teams: teams.map((t) => ({ id: t.id, name: t.name }))
	};
}

/** The initiative form's schema, with the choices the database offers now. */
export async function initiativeFormSchema() {
	const choices = await initiativeChoices();
	return initiativeSchema(
		choices.vectors.map((v) => v.key),
		choices.categories
	);
}
