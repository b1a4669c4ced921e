/**
 * One way to write dates everywhere a page or a report shows one: "30 Nov 2026", and
 * "30 Nov 2026, 14:05 UTC" for a moment in time. Day and month name cannot be misread in any
 * locale, and UTC keeps the server-rendered page and the browser in agreement.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** A calendar date, given as `YYYY-MM-DD` (as the database keeps due dates) or as a moment. */
export function formatDate(value: string | Date | null | undefined): string {
	if (value == null || value === '') return '';
	if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
		const [y, m, d] = value.split('-').map(Number);
		return `${d} ${MONTHS[m - 1]} ${y}`;
	}
	const t = new Date(value);
	return `${t.getUTCDate()} ${MONTHS[t.getUTCMonth()]} ${t.getUTCFullYear()}`;
}

export function formatDateTime(value: string | Date): string {
	const t = new Date(value);
	return `${formatDate(t)}, ${formatTime(t)}`;
}

export function formatTime(value: string | Date): string {
	const t = new Date(value);
	return `${pad(t.getUTCHours())}:${pad(t.getUTCMinutes())} UTC`;
}

/** The UTC calendar date of an instant, as YYYY-MM-DD. */
export const isoDate = (t: Date) => t.toISOString().slice(0, 10);

/** The ISO 8601 week of an instant in UTC, as 2026-W49: weeks start on Monday, and week 1 holds the year's first Thursday. */
export function isoWeek(t: Date): string {
	// The Thursday of this week decides the year; its day of that year, the week.
	const thursday = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 3 - ((t.getUTCDay() + 6) % 7)));
	const year = thursday.getUTCFullYear();
	const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 604_800_000) + 1;
	return `${year}-W${String(week).padStart(2, '0')}`;
}

/** "1 technology", "3 technologies": a count with its noun, one rule for every page, mail and file. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** 'YYYY-MM-DD' naming a day that exists (years 1–9999): Date.parse would roll 2026-02-30 over into March, and PostgreSQL refuses it and year 0. */
export function isCalendarDate(v: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
	if (!m) return false;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const t = new Date(0);
	t.setUTCFullYear(y, mo - 1, d); // Date.UTC would read years 0–99 as 1900–1999
	return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** A moment PostgreSQL can store: years 1–9999 in UTC (an offset can move 0001-01-01 into year 0). */
export const isStorableTime = (t: Date) => !Number.isNaN(t.getTime()) && t.getUTCFullYear() >= 1 && t.getUTCFullYear() <= 9999;
