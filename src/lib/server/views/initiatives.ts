import type { TechnologyResult } from '#lib/domain/aggregate.ts';
import { describeGoal, initiativeProgress, meets, reachedIn, type InitiativeProgress } from '#lib/domain/initiatives.ts';
import { formatDate, isoDate } from '#lib/domain/format.ts';
import { mayTellApart, type Reader } from '#lib/domain/anonymity.ts';
import { getFramework } from '../queries/framework';
import type { CoveringInitiative } from '../queries/technology-page';
import { initiativesWithProgress, type InitiativeRow, type ProgressSource } from '../queries/initiatives';
import { initiativeSchema } from '../forms/initiative';
import { listTeams } from '../queries/teams';
import { listCategories } from '../queries/technologies';

export type InitiativeView = Omit<InitiativeRow, 'technologies'> & {
	goal: string;
	progress: InitiativeProgress;
	/** `withheld`: the vector's median is below the anonymity threshold for this reader, so `reached` is null. */
	technologies: (Omit<InitiativeRow['technologies'][number], 'answered'> & { met: boolean; withheld: boolean })[];
};

/**
 * Initiatives with their progress, as every page shows them: the goal in words (vector names from
 * the current framework) and, per technology, whether it meets the goal.
 */
export async function initiativeViews(
	reader: Reader,
	options: { source?: ProgressSource; initiativeId?: number } = {},
	today = isoDate(new Date())
): Promise<InitiativeView[]> {
	const rows = await initiativesWithProgress(options);
	return rows.map((row) => {
		// A vector's median below the anonymity threshold is one person's score: not measured, for this reader.
		const technologies = row.technologies.map(({ answered, ...t }) => {
			const withheld = vectorHeld(row.vectorKey, answered, reader);
			return { ...t, reached: withheld ? null : t.reached, withheld };
		});
		return {
			...row,
			goal: describeGoal(row, row.vectorKey === null ? null : (row.vectorName ?? row.vectorKey), formatDate),
			progress: initiativeProgress(
				row,
				technologies.map((t) => t.reached),
				today
			),
			technologies: technologies.map((t) => ({ ...t, met: meets(t.reached, row.targetLevel) }))
		};
	});
}

/** Whether progress on `vectorKey` (null: the level, always shown) from a rating by `answered` people is held back from `reader`. */
const vectorHeld = (vectorKey: string | null, answered: number, reader: Reader) =>
	vectorKey !== null && answered > 0 && !mayTellApart(answered, reader);

/**
 * Initiatives covering one technology, with that technology's own progress towards each (the rule of
 * `reachedIn`). An initiative on a vector reads that vector's median: below the anonymity threshold,
 * a reader who may not see names gets no progress (`withheld`), as with every vector figure.
 */
export function ownProgress(
	initiatives: CoveringInitiative[],
	result: TechnologyResult | null,
	reader: Reader,
	today = isoDate(new Date())
) {
	return initiatives.map((i) => {
		const withheld = vectorHeld(i.vectorKey, result?.submitted ?? 0, reader);
		const reached = withheld ? null : reachedIn(result, i.vectorKey);
		return {
			id: i.id,
			name: i.name,
			goal: describeGoal(i, i.vectorKey === null ? null : (i.vectorName ?? i.vectorKey), formatDate),
			reached,
			withheld,
			progress: initiativeProgress(i, [reached], today)
		};
	});
}

/** Counts for a summary line: how many are overdue, in progress and met. */
export function initiativeCounts(views: Pick<InitiativeView, 'progress'>[]) {
	const count = (status: InitiativeProgress['status']) => views.filter((v) => v.progress.status === status).length;
	return { overdue: count('overdue'), open: count('open'), met: count('met') };
}

/**
 * What the initiative form offers: the current framework's vectors, the categories in use, the
 * teams; plus an edited initiative's own vector and category where they are no longer offered, so
 * saving another change does not silently widen its goal.
 */
export async function initiativeChoices(keep: { vectorKey: string | null; category: string | null } | null = null) {
	const [framework, categories, teams] = await Promise.all([getFramework(), listCategories(), listTeams()]);
	const vectors = framework.vectors.map((v) => ({ key: v.key, name: v.name }));
	if (keep?.vectorKey && !vectors.some((v) => v.key === keep.vectorKey))
		vectors.push({ key: keep.vectorKey, name: `${keep.vectorKey} (not in the current framework)` });
	if (keep?.category && !categories.includes(keep.category)) categories.push(keep.category);
	return { vectors, categories, teams: teams.map((t) => ({ id: t.id, name: t.name })) };
}

/** The initiative form's schema, with the choices the database offers now (and those an edit keeps). */
export async function initiativeFormSchema(keep: Parameters<typeof initiativeChoices>[0] = null) {
	const choices = await initiativeChoices(keep);
	return initiativeSchema(
		choices.vectors.map((v) => v.key),
		choices.categories
	);
}
