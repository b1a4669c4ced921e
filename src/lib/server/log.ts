import { AsyncLocalStorage } from 'node:async_hooks';
import pino from 'pino';
import { prettyLine } from './log-pretty';

/**
 * What a log line may never carry: the parameters of a failed query (drizzle appends them to its
 * message, and one held a new account's password hash; PostgreSQL repeats values in "Key (…)=(…)"),
 * password hashes, invitation, unsubscribe and published radar tokens in paths, query strings, bearer tokens, cookies and the
 * password in a connection string.
 */
export function redactSecrets(text: string): string {
	return (
		text
			// Up to the stack or the end: a parameter may itself hold line breaks (a comment, a description).
			.replace(/^params: [\s\S]*?(?=\n\s+at |$(?![\s\S]))/gm, 'params: [redacted]')
			.replace(/\$argon2(id|i|d)\$[^\s"',]+/g, '[password hash]')
			.replace(/\/(invite|unsubscribe|published\/radar)\/[^\s/?#"']+/g, '/$1/[token]')
			.replace(/\b(Key \([^)]*\))=\(.*?\)( already exists| is not present|$)/gm, '$1=([redacted])$2')
			.replace(/\b(Bearer|Basic)\s+[^\s"',]+/gi, '$1 [redacted]')
			.replace(/\b(set-cookie|cookie)(["']?\s*[:=]\s*)[^\n"]+/gi, '$1$2[redacted]')
			.replace(/\bsession=[^\s;"',]+/g, 'session=[redacted]')
			.replace(/\b(postgres(?:ql)?:\/\/[^:/@\s"']+):[^@\s"']+@/g, '$1:[redacted]@')
			// A path or URL followed by a query; vite's own ?v=… in development stack frames stays readable.
			.replace(/(\/[^\s?#"']*)\?(?![vt]=[\w.-]+(?::\d|$))[^\s#"']+/gm, '$1?[query]')
	);
}

/** Fields whose value is never logged, whatever it holds (pino's error serializer copies a DrizzleQueryError's `params`). */
const SECRET_KEY = /password|secret|token|cookie|authorization|hash$|^params$|^parameters$/i;

function scrub(value: unknown, key = ''): unknown {
	if (SECRET_KEY.test(key) && value !== null && value !== undefined) return '[redacted]';
	if (typeof value === 'string') return redactSecrets(value);
	if (Array.isArray(value)) return value.map((v) => scrub(v));
	if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k)]));
	return value;
}

/**
 * Every word that can start a redaction above, in a value or a field's name. pino writes letters, `$`, `/`, `?`
 * and `(` as they are, so a line with none of them has nothing to redact: most lines (every access line)
 * pass without being parsed and written again.
 */
const MIGHT_HOLD_SECRET =
	/param|argon2|invite|unsubscribe|published|key \(|bearer|basic|cookie|session=|postgres|\?|password|secret|token|authorization|hash/i;

/** Every line passes here last, whatever called the logger with whatever object. */
export function redactLine(line: string): string {
	if (!MIGHT_HOLD_SECRET.test(line)) return line.endsWith('\n') ? line : `${line}\n`;
	try {
		return `${JSON.stringify(scrub(JSON.parse(line)))}\n`;
	} catch {
		return `${redactSecrets(line.trimEnd())}\n`;
	}
}

type RequestContext = { requestId: string };
const requestContext = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` so that every line logged while it runs (awaits included) carries this request's id. */
export const withRequestContext = <T>(context: RequestContext, fn: () => T): T => requestContext.run(context, fn);

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** JSON lines unless asked for `pretty`, or unset on a terminal (someone reading, not a collector). */
export function wantsPretty(format = process.env.LOG_FORMAT, tty = Boolean(process.stdout.isTTY)): boolean {
	return format === 'pretty' || (format !== 'json' && tty);
}

const pretty = wantsPretty();
// stdout is where a container platform collects logs; written through process.stdout so tests can read it.
const destination = { write: (line: string) => void process.stdout.write(pretty ? prettyLine(line, Boolean(process.stdout.isTTY)) : line) };

const logger = pino(
	{
		level: LEVELS.includes(process.env.LOG_LEVEL ?? '') ? process.env.LOG_LEVEL : 'info',
		timestamp: pino.stdTimeFunctions.isoTime,
		formatters: { level: (label) => ({ level: label }) },
		mixin: () => {
			const context = requestContext.getStore();
			return context ? { requestId: context.requestId } : {};
		},
		hooks: { streamWrite: redactLine }
	},
	destination
);

type Fields = Record<string, unknown>;

/** The app's logger: a message, then fields; an error's stack goes under `err`. */
export const log = {
	debug: (message: string, fields: Fields = {}) => logger.debug(fields, message),
	info: (message: string, fields: Fields = {}) => logger.info(fields, message),
	warn: (message: string, fields: Fields = {}) => logger.warn(fields, message),
	error(message: string, error?: unknown, fields: Fields = {}) {
		const cause = error instanceof Error ? { err: error } : error === undefined ? {} : { err: String(error) };
		logger.error({ ...fields, ...cause }, message);
	}
};
