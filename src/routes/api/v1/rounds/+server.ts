import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { RoundCreateSchema } from '#lib/server/api/write-schemas.ts';
import { endpoint, json, readJson, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { createRound, getRoundWithProgress, listRounds } from '#lib/server/queries/rounds.ts';
import { refuseTakenName, roundOut, roundResponse } from '#lib/server/api/rounds.ts';

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
