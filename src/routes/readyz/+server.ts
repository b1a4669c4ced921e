import { json } from '@sveltejs/kit';
import { databaseReady } from '$lib/server/queries/health';
import type { RequestHandler } from './$types';

/** Readiness: the database answers and the schema is migrated, so this instance can take traffic. */
export const GET: RequestHandler = async () => {
	const ready = await databaseReady();
	return json({ ready }, { status: ready ? 200 : 503 });
};
