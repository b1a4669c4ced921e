/** One line per event on stdout/stderr, which is where a container platform collects logs. */
export const log = {
	info(message: string) {
		process.stdout.write(`${message}\n`);
	},
	error(message: string, error?: unknown) {
		const detail = error instanceof Error ? (error.stack ?? error.message) : error ? String(error) : '';
		process.stderr.write(`${new Date().toISOString()} ERROR ${message}${detail ? `\n${detail}` : ''}\n`);
	}
};
