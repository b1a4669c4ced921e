import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { isCalendarDate } from '#lib/domain/format.ts';

export { isCalendarDate };
import { MAX_ID } from '#lib/domain/ids.ts';
import { hasControlCharacters, isWellFormedText, NOT_TEXT } from '#lib/domain/text.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from '../auth/password';
import { sqlState } from '../db/client';

export type FieldErrors = Record<string, string>;
export type FormFailure = { errors: FieldErrors; values: Record<string, string>; message?: string };

/** Echo what the user typed back into the form, except secrets. */
function safeValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [key, value] of form.entries()) {
		if (typeof value === 'string' && !/password|token/i.test(key)) values[key] = value;
	}
	return values;
}

/**
 * The fields that hold a file where text belongs, each with its message, or null. A file is
 * refused, never read as text ("[object File]") or as a missing value.
 */
export function fileFields(form: FormData): FieldErrors | null {
	const errors: FieldErrors = {};
	for (const [key, value] of form) if (typeof value !== 'string') errors[key] = 'This field takes text, not a file.';
	return Object.keys(errors).length ? errors : null;
}

/** Validates form data against a schema; on failure returns the `fail(400)` the action should return. */
export function parseForm<S extends z.ZodType>(
	schema: S,
	form: FormData
): { data: z.output<S>; failure?: undefined } | { data?: undefined; failure: ReturnType<typeof fail<FormFailure>> } {
	const files = fileFields(form);
	if (files) return { failure: fail(400, { errors: files, values: safeValues(form) }) };
	const raw: Record<string, unknown> = {};
	for (const key of new Set(form.keys())) {
		const all = form.getAll(key);
		raw[key] = all.length > 1 || key.endsWith('[]') ? all : all[0];
	}
	const result = schema.safeParse(raw);
	if (result.success) return { data: result.data };
	return { failure: fail(400, { errors: fieldErrors(result.error), values: safeValues(form) }) };
}

export function fieldErrors(error: z.ZodError): FieldErrors {
	const errors: FieldErrors = {};
	for (const issue of error.issues) {
		const key = issue.path.length ? String(issue.path[0]) : 'form';
		errors[key] ??= issue.message;
	}
	return errors;
}

/** A failure for one field, for checks that only the database can make (a taken name, a stale version). */
export function fieldFailure(form: FormData, field: string, message: string, status = 400) {
	return fail(status, { errors: { [field]: message }, values: safeValues(form) });
}

/** The largest id PostgreSQL's integer holds: a bigger one names no row, and must not reach a query. */
export { MAX_ID };

/** A positive id from a path or query string, or null when it could name no row. */
export function parseId(raw: unknown): number | null {
	const n = Number(raw);
	return Number.isInteger(n) && n > 0 && n <= MAX_ID ? n : null;
}

/** A row version from a form: a whole number PostgreSQL's integer holds, or null. */
export function parseVersion(raw: unknown): number | null {
	const text = String(raw ?? '');
	return /^\d{1,10}$/.test(text) && Number(text) <= MAX_ID ? Number(text) : null;
}

/** An optional team chosen from a list: empty is none, anything else must be an id a row could have. */
export const optionalTeamId = z
	.string()
	.optional()
	.transform((v, ctx) => {
		if (!v) return null;
		const id = parseId(v);
		if (id === null) {
			ctx.addIssue({ code: 'custom', message: 'Choose a team from the list.' });
			return z.NEVER;
		}
		return id;
	});

/** A setting's version in a form parsed with zod: 0 while it was never saved. */
export const settingVersion = z.coerce.number().int().min(0).max(MAX_ID);

/** The same rule for query parameters parsed with zod (each caller chooses its fallback). */
export const queryId = z
	.string()
	.refine((v) => /^\d+$/.test(v) && parseId(v) !== null)
	.transform(Number);

export { hasControlCharacters };

/**
 * Query parameters are a filter, not input to reject: anything odd (too long, a control
 * character, an id no row can have) just means "no filter".
 */
export const queryFilter = {
	text: (max: number) =>
		z
			.string()
			.max(max)
			.refine((v) => !hasControlCharacters(v))
			.optional()
			.catch(undefined),
	id: queryId.optional().catch(undefined),
	/** A page number; anything else is the first page. */
	page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1)
};

/** The round a results page was asked for (`?round=`), or null for "choose for me". */
export const requestedRound = (url: URL): number | null => parseId(url.searchParams.get('round'));

// Reusable field rules, each with the message a person reads next to the field.
export const text = (label: string, max = 200) =>
	z
		.string({ error: `${label} is required.` })
		.trim()
		.min(1, `${label} is required.`)
		.max(max, `${label} must be at most ${max} characters.`)
		.refine((v) => !hasControlCharacters(v), `${label} cannot contain control characters such as tabs or line breaks.`)
		.refine(isWellFormedText, `${label} ${NOT_TEXT}.`);

/** Optional text; `multiline` (a textarea) allows line breaks and tabs but no other control characters. */
export const optionalText = (label: string, max: number, options: { multiline?: boolean } = {}) =>
	z
		.string()
		.trim()
		.max(max, `${label} must be at most ${max} characters.`)
		.refine(
			(v) => !hasControlCharacters(v, options),
			`${label} cannot contain control characters${options.multiline ? ' other than line breaks and tabs' : ''}.`
		)
		.refine(isWellFormedText, `${label} ${NOT_TEXT}.`)
		.optional()
		.transform((v) => v ?? '');

export const email = z
	.string({ error: 'Email is required.' })
	.trim()
	.toLowerCase()
	.pipe(z.email('Enter a valid email address.').max(254, 'Email is too long.'));

/** A row id as a form sends it: plain digits (not `0x10`, not ` 3 `), within PostgreSQL's integer. */
export const id = (label: string) =>
	z
		.string({ error: `${label} is invalid.` })
		.refine((v) => parseId(v) !== null && /^\d+$/.test(v), `${label} is invalid.`)
		.transform(Number);

export const idList = (label: string) =>
	z
		.union([z.string(), z.array(z.string())])
		.optional()
		.transform((v): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
		.pipe(z.array(id(label)));

export const newPassword = z
	.string({ error: 'Password is required.' })
	.min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
	.max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters.`);

/** A new password typed twice; the mismatch message lands on the confirmation field. */
export function withConfirmation<T extends z.ZodRawShape>(shape: T) {
	const passwords = z.object({ password: newPassword, confirm: z.string().optional() });
	return z
		.object(shape)
		.extend(passwords.shape)
		.superRefine((v, ctx) => {
			const { password, confirm } = v as z.output<typeof passwords>;
			if (password !== confirm) ctx.addIssue({ code: 'custom', message: 'The two passwords differ.', path: ['confirm'] });
		});
}

/** A failure about the whole form (shown above it), e.g. a refused state change. */
export function formFailure(status: number, message: string, values: Record<string, string> = {}) {
	const errors: FieldErrors = { form: message };
	return fail(status, { errors, values });
}

/**
 * Runs a write whose expected database refusals (a taken name, a vanished reference) become a
 * message on the field concerned instead of a 500. `refusals` maps SQLSTATE → [field, message].
 */
export async function guardedWrite<T>(
	form: FormData,
	write: () => Promise<T>,
	refusals: Record<string, [field: string, message: string]>
): Promise<{ value: T; failure?: undefined } | { value?: undefined; failure: ReturnType<typeof fieldFailure> }> {
	try {
		return { value: await write() };
	} catch (e) {
		const refusal = refusals[sqlState(e) ?? ''];
		if (refusal) return { failure: fieldFailure(form, refusal[0], refusal[1]) };
		throw e;
	}
}

/** An optional calendar date from `<input type="date">`, kept as 'YYYY-MM-DD'. */
export const optionalDate = z
	.string()
	.optional()
	.transform((v, ctx) => {
		if (!v) return null;
		if (!isCalendarDate(v)) {
			ctx.addIssue({ code: 'custom', message: 'Enter a date as YYYY-MM-DD.' });
			return z.NEVER;
		}
		return v;
	});

/**
 * What an upload holds as text: the file chosen under `fileField`, else the text sent under `textField`
 * (a form's second step, or a script that posts the content itself); '' when neither.
 */
export async function uploadedText(form: FormData, fileField = 'file', textField = fileField): Promise<string> {
	const file = form.get(fileField);
	if (file instanceof File && file.size > 0) return file.text();
	const text = form.get(textField);
	return typeof text === 'string' ? text : '';
}
