import { z } from 'zod';
import { parseQuery } from '#lib/server/api/parse.ts';
import { endpoint, methodNotAllowed } from '#lib/server/api/endpoint.ts';
import { getRoundWithProgress } from '#lib/server/queries/rounds.ts';
import { changeRoundState } from '#lib/server/queries/round-state.ts';
import { refuseRoundChange, roundOfPath, roundResponse } from '#lib/server/api/rounds.ts';

/** Opens a draft round (its respondents are emailed) or closes an open one (results settle, the backlog follows). */
export const POST = endpoint('manageRounds', async ({ url, params }, user) => {
	parseQuery(z.object({}).strict(), url);
	const round = await roundOfPath(params);
	refuseRoundChange(await changeRoundState(user.id, round.id, params.step === 'open' ? 'open' : 'closed'));
	return roundResponse((await getRoundWithProgress(round.id))!);
});

export const fallback = methodNotAllowed(['POST']);
