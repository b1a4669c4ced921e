import { log } from '#lib/server/log.ts';
import { databaseReady } from '#lib/server/queries/health.ts';
import { isDatabaseStarted } from './index';

/**
 * Whether the database can be used right now. While it cannot (not yet reached at start, or lost
 * mid-flight), requests get a 503 at once instead of each waiting on a connection that will not
 * come; a probe twice a second notices its return, so answers resume within a second or so.
 */
let down = false;
let probing: ReturnType<typeof setInterval> | undefined;

const PROBE_EVERY_MS = 500;
const PROBE_TIMEOUT_MS = 1000;

export function databaseAvailable(): boolean {
	return isDatabaseStarted() && !down;
}

// Failures that mean "the server is not there", not "this query is wrong": connection errors
// from postgres.js and Node, and PostgreSQL's shutdown and cannot-connect-now states.
const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'ENOTFOUND',
	'EAI_AGAIN',
	'CONNECT_TIMEOUT',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED'
]);

/** True when an error (or anything in its cause chain) says the database is unreachable. */
export function isConnectionFailure(error: unknown): boolean {
	for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
		const code = String((e as { code?: unknown }).code ?? '');
		if (CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P')) return true;
		if (e instanceof Error && e.message === 'database not started') return true;
	}
	return false;
}

/** Called when a request failed on the connection: answer 503 from now on until a probe gets through. */
export function markDatabaseDown(error: unknown) {
	if (down) return;
	down = true;
	log.error('Database unreachable; answering 503 until it is back', error);
	let busy = false;
	const probe = async () => {
		if (busy) return;
		busy = true;
		try {
			if (await databaseReady(PROBE_TIMEOUT_MS)) {
				down = false;
				clearInterval(probing);
				log.info('Database reachable again');
			}
		} finally {
			busy = false;
		}
	};
	probing = setInterval(() => void probe().catch((error) => log.error('Probing the database failed', error)), PROBE_EVERY_MS);
	probing.unref();
}
