/**
 * The anonymity threshold: what individuals said (comments, evidence links) and figures for a
 * subset of them (a team's medians) are shown only once enough people answered. Below it, a reader
 * who knows who was asked could tell who said what, and small teams would stop being candid.
 */
export const DEFAULT_ANONYMITY_THRESHOLD = 3;
/** 1 turns the threshold off; above 20 almost no team could ever be broken down. */
export const ANONYMITY_THRESHOLD_RANGE = { min: 1, max: 20 } as const;

export type AnonymitySetting = { threshold: number };
export const DEFAULT_ANONYMITY: AnonymitySetting = { threshold: DEFAULT_ANONYMITY_THRESHOLD };

export const isAnonymitySetting = (value: unknown): value is AnonymitySetting => {
	const threshold = (value as Partial<AnonymitySetting> | null)?.threshold;
	return (
		typeof threshold === 'number' &&
		Number.isInteger(threshold) &&
		threshold >= ANONYMITY_THRESHOLD_RANGE.min &&
		threshold <= ANONYMITY_THRESHOLD_RANGE.max
	);
};

/** Whether what `answered` people said may be shown. */
export const enoughAnswered = (answered: number, threshold: number) => answered >= threshold;

/** Splits groups (teams) into those that may be shown and how many were held back. */
export function groupsToShow<G extends { respondents: number }>(groups: G[], threshold: number): { shown: G[]; withheld: number } {
	const shown = groups.filter((g) => enoughAnswered(g.respondents, threshold));
	return { shown, withheld: groups.length - shown.length };
}
