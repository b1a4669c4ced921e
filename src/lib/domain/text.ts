// One rule for control characters in what people type. They cannot be stored (PostgreSQL refuses
// NUL), they hide text from readers (escape sequences, backspaces), and in a single-line field a
// tab or line break is a paste gone wrong. Multi-line fields keep line breaks and tabs.
// eslint-disable-next-line no-control-regex
const SINGLE_LINE_CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const MULTI_LINE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const hasControlCharacters = (text: string, options: { multiline?: boolean } = {}) =>
	(options.multiline ? MULTI_LINE_CONTROL : SINGLE_LINE_CONTROL).test(text);

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text as HTML shows it, for the few pages and emails written as strings rather than Svelte. */
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
