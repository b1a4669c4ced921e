/**
 * Facts beside opinions: a signal is a dated, sourced fact about one technology (its running version's
 * end of life, alerts firing, the last restore test), tied to the vector it informs. A signal kind
 * says how to read one: what is measured, which way is better, and the figures at which each level
 * 1–5 begins. Facts suggest a level; they never change a score: people decide, with the facts in view.
 */

/** What a signal's figure is: a number as sent, or the days since or until the date it carries. */
export const SIGNAL_MEASURES = ['number', 'days_since', 'days_until'] as const;
export type SignalMeasure = (typeof SIGNAL_MEASURES)[number];

export const SIGNAL_SOURCES = ['api', 'alertmanager', 'endoflife', 'csv'] as const;
export type SignalSource = (typeof SIGNAL_SOURCES)[number];

export const SOURCE_LABELS: Record<SignalSource, string> = {
	api: 'API',
	alertmanager: 'Alertmanager',
	endoflife: 'end-of-life data',
	csv: 'CSV upload'
};

export type SignalKind = {
	key: string;
	name: string;
	/** Shown after a number ("alerts", "%"); dates read as days. */
	unit: string;
	vectorKey: string;
	measure: SignalMeasure;
	/** Whether a larger figure is better (deploys a week, days to end of life) or a smaller one (alerts, days since a restore test). */
	better: 'higher' | 'lower';
	/** The figure at which levels 1, 2, 3, 4 and 5 begin, in the order `better` implies. */
	thresholds: number[];
};

/** A stored fact: a number or a date (`YYYY-MM-DD`), with what the sender said about it. */
export type SignalValue = { number: number | null; date: string | null; detail: string; observedAt: Date; source: SignalSource };

const DAY = 86_400_000;

/** Whole days from `from` to `to` (negative when `to` is earlier), counted on UTC dates. */
export function daysBetween(from: Date, to: Date): number {
	const day = (d: Date) => Math.floor(d.getTime() / DAY);
	return day(to) - day(from);
}

/** The figure a kind's thresholds are read against, as of `now`; null when the signal lacks what the kind needs. */
export function measureOf(kind: Pick<SignalKind, 'measure'>, value: Pick<SignalValue, 'number' | 'date'>, now: Date): number | null {
	if (kind.measure === 'number') return value.number;
	if (!value.date) return null;
	const date = new Date(`${value.date}T00:00:00Z`);
	return kind.measure === 'days_since' ? daysBetween(date, now) : daysBetween(now, date);
}

/** Whether thresholds run the way `better` says, so that each level asks at least as much as the one below it. */
export function thresholdsInOrder(better: SignalKind['better'], thresholds: number[]): boolean {
	return (
		thresholds.length === 5 &&
		thresholds.every(Number.isFinite) &&
		thresholds.every((t, i) => i === 0 || (better === 'higher' ? t >= thresholds[i - 1] : t <= thresholds[i - 1]))
	);
}

/** The level a figure suggests: the highest level whose threshold it meets, 0 when it meets none. */
export function suggestedLevel(kind: Pick<SignalKind, 'better' | 'thresholds'>, measure: number): number {
	let level = 0;
	kind.thresholds.forEach((t, i) => {
		if (kind.better === 'higher' ? measure >= t : measure <= t) level = i + 1;
	});
	return level;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The fact in words: "142 days ago", "in 40 days (2027-01-17)", "3 alerts". */
export function describeMeasure(kind: Pick<SignalKind, 'measure' | 'unit'>, value: Pick<SignalValue, 'number' | 'date'>, now: Date) {
	const measure = measureOf(kind, value, now);
	if (measure === null) return kind.measure === 'days_until' ? 'no date announced' : 'no figure';
	if (kind.measure === 'number') {
		if (kind.unit === '%') return `${measure}%`;
		// Units are named in the plural ("alerts"): one of them is said in the singular.
		const unit = measure === 1 && /^[a-z]+s$/.test(kind.unit) ? kind.unit.slice(0, -1) : kind.unit;
		return `${measure}${unit ? ` ${unit}` : ''}`;
	}
	if (kind.measure === 'days_since') return measure <= 0 ? `today (${value.date})` : `${plural(measure, 'day')} ago (${value.date})`;
	if (measure < 0) return `${plural(-measure, 'day')} ago (${value.date})`;
	return measure === 0 ? `today (${value.date})` : `in ${plural(measure, 'day')} (${value.date})`;
}

export type Fact = {
	kind: SignalKind;
	value: SignalValue;
	/** The level the fact suggests on its vector, null without a figure. */
	suggests: number | null;
	text: string;
};

/** A signal as a page shows it: "Last restore test: 142 days ago (2026-07-18); suggests level 2". */
export function factOf(kind: SignalKind, value: SignalValue, now: Date): Fact {
	const measure = measureOf(kind, value, now);
	return {
		kind,
		value,
		suggests: measure === null ? null : suggestedLevel(kind, measure),
		text: `${kind.name}: ${describeMeasure(kind, value, now)}`
	};
}

/** A fact as pages, files and the API show it: what it says, what it suggests, where it came from and how old it is. */
export type FactView = {
	kind: string;
	vectorKey: string;
	text: string;
	detail: string;
	suggests: number | null;
	source: string;
	observedAt: string;
	age: string;
};

/** Facts per vector, the level they suggest together, and whether the vector's median is two levels away. */
export type VectorFacts = Record<string, { facts: FactView[]; suggests: number | null; disagrees: boolean }>;

/** The level a vector's facts suggest together: the lowest, since one bad fact is enough to doubt a high score. */
export function factsSuggest(facts: Pick<Fact, 'suggests'>[]): number | null {
	const levels = facts.map((f) => f.suggests).filter((l): l is number => l !== null);
	return levels.length ? Math.min(...levels) : null;
}

/** Two levels or more between what people scored and what the facts suggest: worth a calibration conversation. */
export const FACTS_DISAGREE_BY = 2;
export function factsDisagree(median: number | null | undefined, suggested: number | null): boolean {
	return median != null && suggested !== null && Math.abs(median - suggested) >= FACTS_DISAGREE_BY;
}

/** A technology's facts per vector, with the level they suggest together and whether the vector's median is two levels away. */
export function factsByVector(facts: FactView[], medians: Record<string, number | null | undefined> = {}): VectorFacts {
	const grouped: VectorFacts = {};
	for (const fact of facts) (grouped[fact.vectorKey] ??= { facts: [], suggests: null, disagrees: false }).facts.push(fact);
	for (const [key, entry] of Object.entries(grouped)) {
		entry.suggests = factsSuggest(entry.facts);
		entry.disagrees = factsDisagree(medians[key], entry.suggests);
	}
	return grouped;
}

/** Whether a sent fact fits its kind: a number for a counted kind, a date for a dated one; the message says what to send. */
export function valueProblem(
	kind: Pick<SignalKind, 'measure' | 'name'>,
	value: { number: number | null; date: string | null },
	now = new Date()
): string | null {
	if (kind.measure === 'number')
		return value.number === null || value.date !== null ? `${kind.name} is a number: send value, not date.` : null;
	if (value.date === null || value.number !== null) return `${kind.name} is a date: send date (YYYY-MM-DD), not value.`;
	// A restore test tomorrow has not happened: it would read as done today and suggest the top level.
	if (kind.measure === 'days_since' && value.date > now.toISOString().slice(0, 10)) return `${kind.name} cannot be in the future.`;
	return null;
}

/** Which alert label names the technology an Alertmanager alert is about (its slug or its name). */
export type AlertSetting = { label: string };
export const DEFAULT_ALERT_SETTING: AlertSetting = { label: 'technology' };
export const isAlertSetting = (v: unknown): v is AlertSetting =>
	!!v && typeof (v as AlertSetting).label === 'string' && /^[a-zA-Z_][a-zA-Z0-9_]{0,99}$/.test((v as AlertSetting).label);

/**
 * The kinds a new installation starts with, one per vector a system can speak to; admins change
 * them, or add their own, under Admin → Signals.
 */
export const DEFAULT_SIGNAL_KINDS: SignalKind[] = [
	{
		key: 'end-of-life',
		name: 'End of life of the running version',
		unit: '',
		vectorKey: 'currency',
		measure: 'days_until',
		better: 'higher',
		thresholds: [0, 90, 180, 365, 730]
	},
	{
		key: 'firing-alerts',
		name: 'Alerts firing',
		unit: 'alerts',
		vectorKey: 'operability',
		measure: 'number',
		better: 'lower',
		thresholds: [20, 10, 5, 2, 0]
	},
	{
		key: 'incidents-90d',
		name: 'Incidents in the last 90 days',
		unit: 'incidents',
		vectorKey: 'stability',
		measure: 'number',
		better: 'lower',
		thresholds: [12, 6, 3, 1, 0]
	},
	{
		key: 'last-restore-test',
		name: 'Last successful restore test',
		unit: '',
		vectorKey: 'recoverability',
		measure: 'days_since',
		better: 'lower',
		thresholds: [365, 180, 90, 30, 7]
	},
	{
		key: 'deploys-per-week',
		name: 'Deployments a week',
		unit: 'a week',
		vectorKey: 'deployability',
		measure: 'number',
		better: 'higher',
		thresholds: [0.1, 0.5, 1, 5, 20]
	},
	{
		key: 'change-failure-rate',
		name: 'Change failure rate',
		unit: '%',
		vectorKey: 'automation',
		measure: 'number',
		better: 'lower',
		thresholds: [60, 45, 30, 15, 5]
	},
	{
		key: 'runbook-updated',
		name: 'Runbook last updated',
		unit: '',
		vectorKey: 'documentation',
		measure: 'days_since',
		better: 'lower',
		thresholds: [730, 365, 180, 90, 30]
	}
];
