/**
 * What a log line may never carry: the parameters of a failed query (drizzle appends them to its
 * message, and one held a new account's password hash), password hashes themselves, and
 * invitation tokens in paths. Query strings are never logged: only the path is.
 */
export function redactSecrets(text: string): string {
	return text
		.replace(/^params: .*$/gm, 'params: [redacted]')
		.replace(/\$argon2(id|i|d)\$[^\s"',]+/g, '[password hash]')
		.replace(/\/invite\/[^\s/?#"']+/g, '/invite/[token]');
}

/** One line per event on stdout/stderr, which is where a container platform collects logs. */
export const log = {
	info(message: string) {
		process.stdout.write(`${message}\n`);
	},
	error(message: string, error?: unknown) {
		const detail = error instanceof Error ? (error.stack ?? error.message) : error ? String(error) : '';
		process.stderr.write(redactSecrets(`${new Date().toISOString()} ERROR ${message}${detail ? `\n${detail}` : ''}`) + '\n');
	}
};
