import { sql } from 'drizzle-orm';
import { db } from '../src/lib/server/db';
import { rowsOf } from '../src/lib/server/db/client';
import { createRound } from '../src/lib/server/queries/rounds';
import { addTechnologies } from '../src/lib/server/queries/round-scope';
import { changeRoundState } from '../src/lib/server/queries/round-state';
import { ms } from './stats';

/**
 * Creating a round, adding every technology (each with its team's 20 people) and opening it,
 * timed as a lead's three clicks: the operations that once cost an insert and a query per technology.
 */
export async function benchRoundOperations(): Promise<string[]> {
	const [{ id: leadId }] = rowsOf<{ id: number }>(await db().execute(sql`select id from app_user where role = 'lead' limit 1`));
	const ids = rowsOf<{ id: number }>(await db().execute(sql`select id from technology order by id`)).map((r) => Number(r.id));
	const time = async <T>(fn: () => Promise<T>) => {
		const started = performance.now();
		const out = await fn();
		return [performance.now() - started, out] as const;
	};
	const [create, round] = await time(() => createRound(leadId, { name: 'Bench round 2', dueDate: null }));
	const [add, added] = await time(() => addTechnologies(leadId, round.id, ids));
	const [open, opened] = await time(() => changeRoundState(leadId, round.id, 'open'));
	if (added !== 'ok' || opened !== 'ok') throw new Error(`round operations refused: ${added}, ${opened}`);
	const [{ n }] = rowsOf<{ n: number }>(await db().execute(sql`select count(*)::int as n from assignment where round_id = ${round.id}`));
	return [`  round operations: create ${ms(create)}, add ${ids.length} technologies (${n} respondents asked) ${ms(add)}, open ${ms(open)}`];
}
