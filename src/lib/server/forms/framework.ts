import {
	DEFAULT_CRITICAL_MARGIN,
	frameworkProblems,
	LANES,
	VECTOR_TEXT_MAX,
	type Framework,
	type Lane,
	type Vector
} from '#lib/domain/framework.ts';
import { fileFields, hasControlCharacters, type FieldErrors } from './index';

const { guidance: TEXT_MAX, description: DESCRIPTION_MAX } = VECTOR_TEXT_MAX;

export type FrameworkEdit = Pick<Framework, 'levels' | 'vectors' | 'criticalMargin'> & { name: string; note: string };

/**
 * Reads the framework editor. Vector keys come from the version being edited, so an edit can
 * change words, weights and lanes but never silently add or drop a vector.
 */
export function parseFrameworkForm(
	form: FormData,
	base: Framework
): { ok: true; edit: FrameworkEdit } | { ok: false; errors: FieldErrors } {
	const files = fileFields(form);
	if (files) return { ok: false, errors: files };
	const errors: FieldErrors = {};
	// Names are one line; descriptions, guidance and the note may keep line breaks and tabs.
	const text = (field: string, label: string, max = TEXT_MAX, multiline = true) => {
		const value = String(form.get(field) ?? '').trim();
		if (!value) errors[field] = `${label} is required.`;
		else if (value.length > max) errors[field] = `${label} must be at most ${max} characters.`;
		else if (hasControlCharacters(value, { multiline })) errors[field] = `${label} cannot contain control characters.`;
		return value;
	};
	const name = text('name', 'Framework name', 100, false);
	const note = String(form.get('note') ?? '').trim();
	if (!note) errors.note = 'Say what this version changes, so readers of old rounds understand the difference.';
	else if (note.length > 500) errors.note = 'Keep the note under 500 characters.';
	else if (hasControlCharacters(note, { multiline: true })) errors.note = 'The note cannot contain control characters.';
	const levels = base.levels.map((_, i) => text(`levels.${i}`, `Level ${i} description`, DESCRIPTION_MAX));
	const vectors: Vector[] = base.vectors.map((v) => {
		const p = `v.${v.key}`;
		const lane = String(form.get(`${p}.lane`) ?? '') as Lane;
		if (!LANES.includes(lane)) errors[`${p}.lane`] = 'Choose Plan, Build or Run.';
		const weightRaw = String(form.get(`${p}.weight`) ?? '').trim();
		const weight = Number(weightRaw);
		// Two decimals at most: a weight PostgreSQL's real column stores as typed.
		if (!/^\d{1,2}(\.\d{1,2})?$/.test(weightRaw) || weight < 0.01 || weight > 10)
			errors[`${p}.weight`] = 'Weight must be a number from 0.01 to 10, with at most two decimals.';
		return {
			key: v.key,
			critical: form.get(`${p}.critical`) === 'on',
			name: text(`${p}.name`, 'Name', VECTOR_TEXT_MAX.name, false),
			description: text(`${p}.description`, 'Description', DESCRIPTION_MAX),
			lane,
			weight,
			anchors: v.anchors.map((_, level) => text(`${p}.anchor.${level}`, `Level ${level} guidance`))
		};
	});
	const marginRaw = String(form.get('criticalMargin') ?? String(DEFAULT_CRITICAL_MARGIN)).trim();
	if (!/^[0-5]$/.test(marginRaw)) errors.criticalMargin = 'The margin is a whole number of levels from 0 to 5.';
	if (Object.keys(errors).length) return { ok: false, errors };
	const problems = frameworkProblems({ levels, vectors });
	if (problems.length) return { ok: false, errors: { form: problems.join(' ') } };
	return { ok: true, edit: { name, note, levels, vectors, criticalMargin: Number(marginRaw) } };
}
