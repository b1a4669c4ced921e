// One rule for control characters in what people type. They cannot be stored (PostgreSQL refuses
// NUL), they hide text from readers (escape sequences, backspaces), and in a single-line field a
// tab or line break is a paste gone wrong. Multi-line fields keep line breaks and tabs.
// eslint-disable-next-line no-control-regex
const SINGLE_LINE_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const hasControlCharacters = (text: string, options: { multiline?: boolean } = {}) =>
	(options.multiline ? MULTI_LINE_CONTROL : SINGLE_LINE_CONTROL).test(text);

/**
 * Half of a UTF-16 surrogate pair on its own (JSON's `"\ud800"`, YAML's `"\ud800"`) is no
 * character at all: PostgreSQL refuses it inside JSON (an audit row: a 500) and silently stores
 * U+FFFD for it in text. Forms, CSV and uploaded files arrive as UTF-8, where it cannot be
 * written, so it comes only through parsers that read escapes; they check with this, and so do
 * the field rules, so that there is one rule whatever the path.
 */
export const isWellFormedText = (text: string) => text.isWellFormed();
export const NOT_TEXT = 'is not valid text: it holds half of a UTF-16 surrogate pair (such as "\\ud800"), which is no character';

type Step = { value: unknown; key?: string | number; parent?: Step };
/** Deeper than any body the app takes; past it, the path is cut, so the answer stays short whatever was sent. */
const PATH_SHOWN = 16;
const pathOf = (step: Step) => {
	const path: (string | number)[] = [];
	for (let s: Step | undefined = step; s?.parent; s = s.parent) path.push(s.key!);
	path.reverse();
	return path.length > PATH_SHOWN ? [...path.slice(0, PATH_SHOWN), '…'] : path;
};

/**
 * Where a string or key that is not well-formed text sits in parsed JSON or YAML, as a path;
 * null when none does. A loop, not recursion: JSON.parse reads nesting far deeper than the stack.
 */
export function malformedTextAt(root: unknown): (string | number)[] | null {
	const todo: Step[] = [{ value: root }];
	for (let step = todo.pop(); step; step = todo.pop()) {
		const { value } = step;
		if (typeof value === 'string' && !isWellFormedText(value)) return pathOf(step);
		if (typeof value !== 'object' || value === null) continue;
		// Pushed last to first, so the first field is looked at first.
		if (Array.isArray(value)) {
			for (let i = value.length - 1; i >= 0; i--) todo.push({ value: value[i], key: i, parent: step });
			continue;
		}
		const keys = Object.keys(value);
		for (let i = keys.length - 1; i >= 0; i--) {
			// A bad key is named by what can be shown of it.
			if (!isWellFormedText(keys[i])) return [...pathOf(step), keys[i].toWellFormed()];
			todo.push({ value: (value as Record<string, unknown>)[keys[i]], key: keys[i], parent: step });
		}
	}
	return null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML shows it, for the few pages and emails written as strings rather than Svelte. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
