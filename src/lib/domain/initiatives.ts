import type { TechnologyResult } from './aggregate';

/**
 * Initiatives: a goal with a date for a set of technologies, "Recoverability ≥ 3 for every
 * database by 2027-06-30". A technology meets it when its newest closed, rated round puts the
 * vector's median (or, without a vector, its level) at the target or above.
 */
export type InitiativeGoal = {
	/** Null: the technology's level (after any cap). */
	vectorKey: string | null;
	targetLevel: number;
	/** YYYY-MM-DD: the goal holds until the end of that day (UTC). */
	dueOn: string;
};

/** What a lead sets: a name, the goal, its date, and the filter that makes the set of technologies. */
export type InitiativeFields = InitiativeGoal & { name: string; category: string | null; teamId: number | null };

export type InitiativeStatus = 'met' | 'open' | 'overdue';

/** What a technology has reached towards a goal in a result: the vector's median, or its level; null when unmeasured. */
export function reachedIn(
	result: Pick<TechnologyResult, 'rating' | 'vectors'> | null | undefined,
	vectorKey: string | null
): number | null {
	if (!result?.rating) return null;
	return vectorKey === null ? result.rating.level : (result.vectors[vectorKey]?.median ?? null);
}

export const meets = (reached: number | null, targetLevel: number) => reached !== null && reached >= targetLevel;

/** Met when every technology in the set meets the goal; overdue from the day after the due date; open otherwise. */
export function initiativeStatus(goal: InitiativeGoal, reached: (number | null)[], today: string): InitiativeStatus {
	if (reached.length > 0 && reached.every((r) => meets(r, goal.targetLevel))) return 'met';
	return today > goal.dueOn ? 'overdue' : 'open';
}

export type InitiativeProgress = { total: number; met: number; unmeasured: number; status: InitiativeStatus };

export function initiativeProgress(goal: InitiativeGoal, reached: (number | null)[], today: string): InitiativeProgress {
	return {
		total: reached.length,
		met: reached.filter((r) => meets(r, goal.targetLevel)).length,
		unmeasured: reached.filter((r) => r === null).length,
		status: initiativeStatus(goal, reached, today)
	};
}

/** "Recoverability ≥ 3 for every database of Platform SRE by 30 Jun 2027", from the goal's parts. */
export function describeGoal(
	goal: InitiativeGoal & { category: string | null; teamName: string | null },
	vectorName: string | null,
	formatDate: (iso: string) => string
): string {
	const what = vectorName ? `${vectorName} ≥ ${goal.targetLevel}` : `Level ≥ ${goal.targetLevel}`;
	const set = `every ${goal.category ? `${goal.category} technology` : 'technology'}${goal.teamName ? ` of ${goal.teamName}` : ''}`;
	return `${what} for ${set} by ${formatDate(goal.dueOn)}`;
}

export const STATUS_LABELS: Record<InitiativeStatus, string> = { met: 'Met', open: 'In progress', overdue: 'Overdue' };

/** Overdue first (they need attention), then by due date. */
export function byUrgency<T extends { dueOn: string; progress: InitiativeProgress }>(a: T, b: T): number {
	const rank = (s: InitiativeStatus) => (s === 'overdue' ? 0 : s === 'open' ? 1 : 2);
	return rank(a.progress.status) - rank(b.progress.status) || a.dueOn.localeCompare(b.dueOn);
}
