import { z } from 'zod';
import { SIGNAL_SOURCES } from '#lib/domain/signals.ts';
import { SlugParams } from './parse';
import { isCalendarDate, isStorableTime } from '#lib/domain/format.ts';
import { hasControlCharacters } from '#lib/domain/text.ts';
import { prose } from './write-schemas';

/**
 * The API's facts (see domain/signals.ts): writing one, reading a technology's history of one kind,
 * and the two documented senders, end-of-life data and Alertmanager's webhook.
 */
/** A sender's clock a little ahead of ours is not "the future". */
const FUTURE_SLACK_MS = 5 * 60_000;
const labelText = z
	.string()
	.max(1000)
	.refine((v) => !hasControlCharacters(v), 'cannot contain control characters');

export const SignalParams = z.object({
	slug: SlugParams.shape.slug,
	kind: SlugParams.shape.slug.meta({ description: 'A signal kind’s key, e.g. last-restore-test or end-of-life.' })
});

export const SignalWriteSchema = z
	.object({
		value: z.number().finite().optional().meta({ description: 'The figure, for a kind that counts (alerts, incidents, %).' }),
		date: z
			.string()
			.refine(isCalendarDate, 'must be a date YYYY-MM-DD that exists')
			.optional()
			.meta({ description: 'The date, for a dated kind (last restore test, end of life).' }),
		observedAt: z.iso
			.datetime({ offset: true })
			.refine((v) => isStorableTime(new Date(v)), 'must fall in the years 1 to 9999')
			.refine((v) => new Date(v).getTime() <= Date.now() + FUTURE_SLACK_MS, 'cannot be in the future')
			.optional()
			.meta({ description: 'When it was observed. Left out: now, unless the newest observation already says the same.' }),
		detail: prose(500).optional().meta({ description: 'What a reader should know about where the figure came from.' })
	})
	.strict()
	.meta({ id: 'SignalWrite', description: 'One observation. The same observation time again replaces it; history is kept.' });

export const SignalSchema = z
	.object({
		technology: z.string(),
		kind: z.string(),
		vector: z.string().meta({ description: 'The vector this fact informs.' }),
		value: z.number().nullable(),
		date: z.string().nullable(),
		detail: z.string(),
		source: z.enum(SIGNAL_SOURCES),
		observedAt: z.string(),
		text: z.string().meta({ description: 'The fact in words, as the pages show it.' }),
		suggests: z.number().int().min(0).max(5).nullable().meta({ description: 'The level the fact suggests on its vector today.' })
	})
	.meta({ id: 'Signal' });

export const SignalHistorySchema = z
	.object({ items: z.array(SignalSchema).meta({ description: 'Newest first, at most 100.' }) })
	.meta({ id: 'SignalHistory' });

/** What Alertmanager posts to a webhook receiver (version 4); fields we do not read are let through. */
export const AlertmanagerSchema = z
	.looseObject({
		version: z.string(),
		status: z.enum(['firing', 'resolved']),
		alerts: z
			.array(
				z.looseObject({
					status: z.enum(['firing', 'resolved']),
					labels: z.record(z.string().max(200), labelText),
					startsAt: z.string().max(64),
					fingerprint: z.string().regex(/^[\w-]{1,128}$/, 'letters, digits, - and _ only')
				})
			)
			.max(10_000)
	})
	.meta({ id: 'AlertmanagerNotification' });

export const AlertCountSchema = z
	.object({
		technologies: z.array(z.object({ slug: z.string(), firing: z.number().int() })),
		ignored: z.number().int().meta({ description: 'Alerts without the technology label, or naming no technology.' })
	})
	.meta({ id: 'AlertCount' });
