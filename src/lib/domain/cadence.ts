/**
 * Ratings age. Each technology is due for reassessment a number of days after the round that last
 * rated it closed: its own cadence, else its category's, else the organisation's default. Past that
 * day its rating is overdue, and every page that shows it says so.
 */
import { daysBetween } from './signals';

export type CadenceSetting = { defaultDays: number; categories: Record<string, number> };
export const CADENCE_MIN = 7;
export const CADENCE_MAX = 1095;
export const DEFAULT_CADENCE: CadenceSetting = {
	defaultDays: 180,
	// What changes under people's feet gets looked at every quarter; tools and the rest twice a year.
	categories: { database: 90, messaging: 90, orchestration: 90 }
};

const validDays = (d: unknown) => Number.isInteger(d) && (d as number) >= CADENCE_MIN && (d as number) <= CADENCE_MAX;

export const isCadenceSetting = (v: unknown): v is CadenceSetting =>
	!!v &&
	validDays((v as CadenceSetting).defaultDays) &&
	typeof (v as CadenceSetting).categories === 'object' &&
	Object.values((v as CadenceSetting).categories ?? {}).every(validDays);

/** The days after which a technology's rating is due again. */
export function cadenceOf(technology: { category: string; reassessDays: number | null }, setting: CadenceSetting): number {
	// Own keys only: a category named "constructor" must not find Object's.
	const category = Object.hasOwn(setting.categories, technology.category) ? setting.categories[technology.category] : undefined;
	return technology.reassessDays ?? (validDays(category) ? category! : setting.defaultDays);
}

export type Due = {
	/** The day it is due, `YYYY-MM-DD`. */
	dueOn: string;
	/** Days past the due day (0 on the day itself) once it has come, else null. */
	overdueBy: number | null;
	/** "due in 40 days", "due today", "overdue by 12 days". */
	label: string;
};

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** When a rating from a round closed on `ratedOn` is due again, and whether it is past that day as of `now`. */
export function dueOf(ratedOn: string | Date, cadenceDays: number, now: Date): Due {
	const due = new Date(new Date(ratedOn).getTime() + cadenceDays * 86_400_000);
	const left = daysBetween(now, due);
	return {
		dueOn: due.toISOString().slice(0, 10),
		overdueBy: left <= 0 ? Math.abs(left) : null,
		label: left > 0 ? `due in ${plural(left, 'day')}` : left === 0 ? 'due today' : `overdue by ${plural(-left, 'day')}`
	};
}

/** When a technology's rating is due again, by its own cadence; null for a rating from a round not closed yet. */
export const ratingDue = (
	closedAt: string | Date | null,
	technology: { category: string; reassessDays: number | null },
	setting: CadenceSetting,
	now: Date
): Due | null => (closedAt ? dueOf(closedAt, cadenceOf(technology, setting), now) : null);
