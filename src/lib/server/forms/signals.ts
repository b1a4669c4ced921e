import { z } from 'zod';
import { SIGNAL_MEASURES, thresholdsInOrder } from '#lib/domain/signals.ts';
import { CADENCE_MAX, CADENCE_MIN } from '#lib/domain/cadence.ts';
import { optionalText, text } from './index';

// An empty field is no threshold (Number('') would read it as 0).
const threshold = (level: number) =>
	z
		.string({ error: `Level ${level} needs a number.` })
		.trim()
		.min(1, `Level ${level} needs a number.`)
		.transform(Number)
		.refine(Number.isFinite, `Level ${level} needs a number.`);

/** A signal kind as the admin page edits it; `vectors`: the keys of the current framework's vectors. */
export const signalKindSchema = (vectors: string[]) =>
	z
		.object({
			name: text('Name', 100),
			unit: optionalText('Unit', 20).transform((v) => v ?? ''),
			vectorKey: z.enum(vectors as [string, ...string[]], { error: 'Choose the vector this fact informs.' }),
			measure: z.enum(SIGNAL_MEASURES, { error: 'Choose what is measured.' }),
			better: z.enum(['higher', 'lower'], { error: 'Choose which way is better.' }),
			t1: threshold(1),
			t2: threshold(2),
			t3: threshold(3),
			t4: threshold(4),
			t5: threshold(5)
		})
		.transform(({ t1, t2, t3, t4, t5, ...rest }) => ({ ...rest, thresholds: [t1, t2, t3, t4, t5] }))
		.refine((k) => thresholdsInOrder(k.better, k.thresholds), {
			message: 'Each level must ask at least as much as the one below it: rising figures when higher is better, falling when lower is.',
			path: ['t5']
		});

export const signalKeySchema = z.object({
	key: z
		.string()
		.trim()
		.min(1, 'Give the kind a key.')
		.max(60, 'Key must be at most 60 characters.')
		.regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lower-case letters, digits and single hyphens.')
});

const days = (label: string) =>
	z.coerce
		.number({ error: `${label}: a whole number of days.` })
		.int(`${label}: a whole number of days.`)
		.min(CADENCE_MIN, `${label}: at least ${CADENCE_MIN} days.`)
		.max(CADENCE_MAX, `${label}: at most ${CADENCE_MAX} days.`);

/** The organisation's cadence: a default, and a number of days per category (`category.<name>`; empty: the default). */
export function cadenceSchema(categories: string[]) {
	const shape = Object.fromEntries(categories.map((c) => [`category.${c}`, z.union([z.literal(''), days(c)]).optional()]));
	return z.object({ defaultDays: days('Default'), ...shape }).transform((v) => ({
		defaultDays: v.defaultDays,
		categories: Object.fromEntries(
			categories.flatMap((c) => {
				const d = (v as Record<string, unknown>)[`category.${c}`];
				return typeof d === 'number' ? [[c, d]] : [];
			})
		)
	}));
}
