import { sql } from 'drizzle-orm';
import { db } from '../db';
import { rowsOf } from '../db/client';

export type ClosedRating = { technologyId: number; round: string; closedAt: Date; level: number };

/** Every rating of every closed round, oldest round first, in one statement: the tech radar's ring moves. */
export async function closedRatings(): Promise<ClosedRating[]> {
	const rows = rowsOf<{ technologyId: number; round: string; closedAt: string | Date; level: number }>(
		await db().execute(sql`
			select rr.technology_id as "technologyId", r.name as round, r.closed_at as "closedAt",
				(rr.result->'rating'->>'level')::int as level
			from round_result rr join round r on r.id = rr.round_id and r.state = 'closed'
			where rr.result->'rating' <> 'null'::jsonb
			order by r.closed_at, r.id`)
	);
	return rows.map((row) => ({
		technologyId: Number(row.technologyId),
		round: row.round,
		closedAt: new Date(row.closedAt),
		level: Number(row.level)
	}));
}
