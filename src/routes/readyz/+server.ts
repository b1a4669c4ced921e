import { databaseAvailable } from '#lib/server/db/availability.ts';
import { isDraining } from '#lib/server/http/shutdown.ts';
import { databaseReady } from '#lib/server/queries/health.ts';
import type { RequestHandler } from './$types';

/**
 * Readiness: this instance should take traffic. Not while shutting down, not while the database
 * is away, and only if the database answers (migrated, framework present) within 900 ms.
 */
export const GET: RequestHandler = async () => {
	const reason = isDraining()
		? 'shutting down'
		: !databaseAvailable()
			? 'database unavailable'
			: !(await databaseReady(900))
				? 'database not ready'
				: null;
	return Response.json(
		{ ready: !reason, ...(reason ? { reason } : {}) },
		{ status: reason ? 503 : 200, headers: { 'cache-control': 'no-store' } }
	);
};
