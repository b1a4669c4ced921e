import { sqlState, UNIQUE_VIOLATION } from '#lib/server/db/client.ts';
import { technologyIdsBySlug } from '#lib/server/queries/technologies.ts';
import { entityResponse, entityTag, Problem } from '#lib/server/api/endpoint.ts';
import { parseId } from '#lib/server/forms/index.ts';
import { getRoundWithProgress, type listRounds } from '#lib/server/queries/rounds.ts';

type RoundRow = Awaited<ReturnType<typeof listRounds>>[number];

/** A round as the API shows it, in the list and alone. */
export const roundOut = (
	r: Pick<RoundRow, 'id' | 'name' | 'state' | 'dueDate' | 'frameworkVersion' | 'technologies' | 'assigned' | 'submitted'>
) => ({
	id: r.id,
	name: r.name,
	state: r.state,
	dueDate: r.dueDate,
	frameworkVersion: r.frameworkVersion,
	technologies: r.technologies,
	assigned: r.assigned,
	submitted: r.submitted
});

/** The round of the path, or 404. */
export async function roundOfPath(params: Partial<Record<string, string>>) {
	const id = parseId(params.id);
	const row = id ? await getRoundWithProgress(id) : undefined;
	if (!row) throw new Problem(404, 'Not Found', `No round has the id ${JSON.stringify(params.id)}.`);
	return row;
}

/** A round's answer with an ETag of what it says: its state and progress move with every submit. */
export function roundResponse(row: Parameters<typeof roundOut>[0], status = 200) {
	const body = JSON.stringify(roundOut(row));
	return entityResponse(body, entityTag(body), status, status === 201 ? `/api/v1/rounds/${row.id}` : undefined);
}

export async function refuseTakenName<T>(write: () => Promise<T>): Promise<T> {
	try {
		return await write();
	} catch (error) {
		if (sqlState(error) === UNIQUE_VIOLATION)
			throw new Problem(409, 'Conflict', 'A round with this name already exists.', { errors: [{ field: 'name', message: 'taken' }] });
		throw error;
	}
}

/** Technology ids by slug; an unknown slug is refused by its place in the list. */
export async function technologyIds(slugs: string[], field: string): Promise<number[]> {
	const bySlug = await technologyIdsBySlug(slugs);
	const errors = slugs.flatMap((s, i) => (bySlug.has(s) ? [] : [{ field: `${field}.${i}`, message: `no technology has the slug ${s}` }]));
	if (errors.length) throw new Problem(400, 'Bad Request', `Unknown technologies: ${errors.length}.`, { errors });
	return slugs.map((s) => bySlug.get(s)!);
}

/** What a refused round change means for the client. */
export const ROUND_REFUSALS: Record<string, [number, string]> = {
	'not-found': [404, 'No round has this id.'],
	closed: [409, 'This round is closed; its scope cannot change.'],
	'not-draft': [409, 'This round is open; technologies can be added, but not removed.'],
	'wrong-state': [409, 'The round is not in the state this step starts from (draft → open → closed).'],
	empty: [409, 'Add technologies before opening the round.'],
	'newer-closed': [409, 'A newer round is closed.']
};

export function refuseRoundChange(outcome: string) {
	if (outcome === 'ok') return;
	const [status, detail] = ROUND_REFUSALS[outcome] ?? [409, outcome];
	throw new Problem(status, status === 404 ? 'Not Found' : 'Conflict', detail);
}
