import { z } from 'zod';
import type { InitiativeFields } from '#lib/domain/initiatives.ts';
import { isCalendarDate, optionalTeamId, parseVersion, text } from './index';

/** An optional choice from a list the database gives: empty is null, anything else must be on the list. */
const choiceFrom = (list: string[], message: string) =>
	z
		.string()
		.optional()
		.transform((v, ctx) => {
			if (!v) return null;
			if (!list.includes(v)) {
				ctx.addIssue({ code: 'custom', message });
				return z.NEVER;
			}
			return v;
		});

/**
 * The initiative form. What only the database knows is passed in: the current framework's vector
 * keys and the categories technologies use (a typo would make a goal that covers nothing).
 */
export function initiativeSchema(vectorKeys: string[], categories: string[]) {
	return z.object({
		name: text('Name', 120),
		vectorKey: choiceFrom(vectorKeys, 'Choose a vector from the list, or the level.'),
		targetLevel: z
			.string({ error: 'Choose a target level from 0 to 5.' })
			.regex(/^[0-5]$/, 'Choose a target level from 0 to 5.')
			.transform(Number),
		dueOn: z
			.string({ error: 'Enter the date the goal is due.' })
			.refine((v) => isCalendarDate(v) && v >= '2000-01-01' && v <= '2999-12-31', 'Enter the date the goal is due as YYYY-MM-DD.'),
		category: choiceFrom(categories, 'Choose a category from the list.'),
		teamId: optionalTeamId
	}) satisfies z.ZodType<InitiativeFields>;
}

/** The row version an edit or deletion was made against. */
export const versionField = z.object({
	version: z.string().transform((v, ctx) => {
		const n = parseVersion(v);
		if (n === null) {
			ctx.addIssue({ code: 'custom', message: 'Reload the page and try again.' });
			return z.NEVER;
		}
		return n;
	})
});
