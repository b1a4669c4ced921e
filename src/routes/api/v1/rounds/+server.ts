import { z } from 'zod';
import { parseQuery } from '$lib/server/forms/api';
import { RoundCreateSchema } from '$lib/server/forms/api-writes';
import { endpoint, json, readJson, methodNotAllowed } from '$lib/server/http/api';
import { createRound, getRoundWithProgress, listRounds } from '$lib/server/queries/rounds';
import { refuseTakenName, roundOut, roundResponse } from '$lib/server/views/api-rounds';

const noQuery = z.object({}).strict();

export const GET = endpoint('read', async ({ url }) => {
	parseQuery(noQuery, url);
	return json({ items: (await listRounds()).map(roundOut) });
});

/** A new draft round, pinned to the newest framework version. */
export const POST = endpoint('manageRounds', async ({ url, request }, user) => {
	parseQuery(noQuery, url);
	const body = await readJson(request, RoundCreateSchema);
	const created = await refuseTakenName(() => createRound(user.id, { name: body.name, dueDate: body.dueDate ?? null }));
	return roundResponse((await getRoundWithProgress(created.id))!, 201);
});

export const fallback = methodNotAllowed(['GET', 'POST']);
