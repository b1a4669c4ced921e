import { fileFields, hasControlCharacters, parseVersion, type FieldErrors } from './index';
import { COMMENT_MAX, isEvidenceUrl, parseChoice, type Answer } from '#lib/domain/assessment.ts';

export type ParsedAnswers = { ok: true; version: number; answers: Record<string, Answer> } | { ok: false; errors: FieldErrors };

const FIELD = /^(score|comment|evidence)\.(.+)$/;

/**
 * Reads the scoring form: `vector` lists the vectors the form carries (a radio group with no
 * choice sends nothing, so presence is declared), then `score.<key>` ('' | 0–5 | '?'),
 * `comment.<key>` and `evidence.<key>`. Every problem is reported; nothing partial is returned.
 */
export function parseAnswerForm(form: FormData, vectorKeys: string[]): ParsedAnswers {
	const files = fileFields(form);
	if (files) return { ok: false, errors: files };
	const known = new Set(vectorKeys);
	const errors: FieldErrors = {};
	const listed = form.getAll('vector').map(String);
	for (const key of form.keys()) {
		const m = FIELD.exec(key);
		if (m && !known.has(m[2])) errors.form = `The form names a vector this framework does not have: "${m[2]}".`;
	}
	for (const key of listed) if (!known.has(key)) errors.form = `The form names a vector this framework does not have: "${key}".`;

	const version = parseVersion(form.get('version')) ?? -1;
	if (version < 0) errors.form ??= 'The form is missing its version; reload the page.';

	const answers: Record<string, Answer> = {};
	for (const key of listed.filter((k) => known.has(k))) {
		const choice = parseChoice(String(form.get(`score.${key}`) ?? ''));
		if (!choice) errors[`score.${key}`] = 'Choose a level from 0 to 5, or "Don\'t know".';
		const comment = String(form.get(`comment.${key}`) ?? '').trim();
		if (hasControlCharacters(comment, { multiline: true }))
			errors[`comment.${key}`] = 'A comment can hold line breaks and tabs, but no other control characters.';
		else if (comment.length > COMMENT_MAX)
			errors[`comment.${key}`] =
				`Keep the comment under ${COMMENT_MAX.toLocaleString('en')} characters (it has ${comment.length.toLocaleString('en')}).`;
		const evidenceUrl = String(form.get(`evidence.${key}`) ?? '').trim();
		if (evidenceUrl && !isEvidenceUrl(evidenceUrl))
			errors[`evidence.${key}`] = 'Evidence must be a web link starting with http:// or https://.';
		if (choice) answers[key] = { ...choice, comment, evidenceUrl };
	}
	if (Object.keys(errors).length) return { ok: false, errors };
	return { ok: true, version, answers };
}
