const LEVEL_COLOUR: Record<string, number> = { fatal: 35, error: 31, warn: 33, info: 32, debug: 90, trace: 90 };
const QUIET = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'requestId', 'err']);

/**
 * A JSON log line as a person reads it in development:
 * `12:03:04.567 INFO  [1a2b3c4d] request method=GET route=/(app) status=200 durationMs=12.3`,
 * with an error's stack below. Not for production: collectors want the JSON.
 */
export function prettyLine(line: string, colour = false): string {
	let entry: Record<string, unknown>;
	try {
		entry = JSON.parse(line);
	} catch {
		return line;
	}
	const level = String(entry.level ?? 'info');
	const paint = (code: number, text: string) => (colour ? `\x1b[${code}m${text}\x1b[0m` : text);
	const time = typeof entry.time === 'string' ? entry.time.slice(11, 23) : '';
	const id = typeof entry.requestId === 'string' ? ` [${entry.requestId.slice(0, 8)}]` : '';
	const fields = Object.entries(entry)
		.filter(([k]) => !QUIET.has(k))
		.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
	const err = entry.err as { stack?: string; message?: string } | string | undefined;
	const detail = typeof err === 'string' ? err : (err?.stack ?? err?.message);
	const head = [paint(90, time), paint(LEVEL_COLOUR[level] ?? 0, level.toUpperCase().padEnd(5)) + id, entry.msg, ...fields];
	return `${head.filter(Boolean).join(' ')}${detail ? `\n${paint(90, detail)}` : ''}\n`;
}
