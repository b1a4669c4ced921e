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
