import Papa from 'papaparse';
import { z } from 'zod';
import { valueProblem } from '#lib/domain/signals.ts';
import { hasControlCharacters } from '#lib/domain/text.ts';
import { isCalendarDate, isStorableTime } from '#lib/domain/format.ts';
import { isSlug } from '#lib/domain/catalog.ts';
import { listSignalKinds, recordSignals } from '../queries/signals';
import { technologyIdsBySlug } from '../queries/technologies';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS } from './technology-import';

export const FACT_COLUMNS = ['technology', 'kind', 'value', 'date', 'observed_at', 'detail'] as const;

const cell = z.object({
	value: z
		.string()
		.trim()
		.transform((v, ctx) => {
			if (v === '') return null;
			const n = Number(v);
			if (!Number.isFinite(n)) ctx.addIssue({ code: 'custom', message: `value ${JSON.stringify(v.slice(0, 40))} is not a number` });
			return n;
		}),
	date: z
		.string()
		.refine((v) => v === '' || isCalendarDate(v), 'date must be a date YYYY-MM-DD that exists')
		.transform((v) => v || null),
	observedAt: z
		.union([z.literal(''), z.string().refine(isCalendarDate), z.iso.datetime({ offset: true })], {
			error: 'observed_at must be a date or a date and time with its zone'
		})
		.transform((v) => (v ? new Date(v.length === 10 ? `${v}T00:00:00Z` : v) : undefined))
		.refine((t) => t === undefined || isStorableTime(t), 'observed_at must fall in the years 1 to 9999')
		.refine((t) => t === undefined || t.getTime() <= Date.now(), 'observed_at cannot be in the future'),
	detail: z
		.string()
		.trim()
		.max(500, 'detail is longer than 500 characters')
		.refine((v) => !hasControlCharacters(v), 'detail holds control characters')
});

export type FactsImport = { recorded: number; unchanged: number; problems?: undefined } | { problems: string[] };

/**
 * Records the facts of a CSV (technology, kind, value or date, observed_at, detail), all or none:
 * any line that names no technology or kind, or sends the wrong figure for its kind, stops the
 * import, and every such line is listed.
 */
export async function importFacts(csv: string, recordedBy: number): Promise<FactsImport> {
	if (!csv.trim()) return { problems: ['Choose a file: the one chosen is empty, or none was chosen.'] };
	if (csv.length > IMPORT_MAX_BYTES) return { problems: ['The file is larger than 1 MB; split it into smaller imports.'] };
	const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ''), {
		header: true,
		skipEmptyLines: 'greedy',
		transformHeader: (h) => h.trim().toLowerCase()
	});
	const missing = ['technology', 'kind'].filter((c) => !parsed.meta.fields?.includes(c));
	if (missing.length)
		return { problems: [`The header row needs the columns ${FACT_COLUMNS.join(', ')} (missing: ${missing.join(', ')}).`] };
	if (!parsed.data.length) return { problems: ['The file has a header but no rows.'] };
	if (parsed.data.length > IMPORT_MAX_ROWS) return { problems: [`At most ${IMPORT_MAX_ROWS} rows per import.`] };
	const [kinds, ids] = await Promise.all([
		listSignalKinds(),
		technologyIdsBySlug([...new Set(parsed.data.map((r) => (r.technology ?? '').trim()))].filter(isSlug))
	]);
	const problems: string[] = [];
	const facts = parsed.data.flatMap((r, i) => {
		const line = i + 2;
		const technologyId = ids.get((r.technology ?? '').trim());
		const kind = kinds.find((k) => k.key === (r.kind ?? '').trim());
		const values = cell.safeParse({
			value: r.value ?? '',
			date: (r.date ?? '').trim(),
			observedAt: (r.observed_at ?? '').trim(),
			detail: r.detail ?? ''
		});
		const why = [
			technologyId ? null : `no technology has the slug ${JSON.stringify((r.technology ?? '').slice(0, 60))}`,
			kind ? null : `no signal kind has the key ${JSON.stringify((r.kind ?? '').slice(0, 60))}`,
			...(values.success ? [] : values.error.issues.map((e) => e.message)),
			kind && values.success ? valueProblem(kind, { number: values.data.value, date: values.data.date }) : null
		].filter(Boolean);
		if (why.length || !technologyId || !kind || !values.success) {
			problems.push(`Line ${line}: ${why.map((w) => w!.replace(/\.$/, '')).join('; ')}.`);
			return [];
		}
		const { value, date, observedAt, detail } = values.data;
		return [{ technologyId, kindId: kind.id, number: value, date, observedAt, detail, source: 'csv' as const, recordedBy }];
	});
	if (problems.length) return { problems: problems.slice(0, 50) };
	const recorded = (await recordSignals(facts)).filter((o) => o.outcome !== 'unchanged').length;
	return { recorded, unchanged: facts.length - recorded };
}
