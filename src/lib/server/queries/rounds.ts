import type { ReminderDays } from '#lib/domain/mail-kinds.ts';
import { desc, eq, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { UNIQUE_VIOLATION, type Tx } from '#lib/server/db/client.ts';
import { perDatabase, prepared } from '#lib/server/db/prepared.ts';
import {
	assignment,
	frameworkVersion,
	response,
	round,
	roundResult,
	roundTechnology,
	technology,
	type RoundState
} from '#lib/server/db/schema/index.ts';
import { recordAudit } from './audit';
import { keptPerPageVersion } from '#lib/server/db/kept.ts';

/** Scope and progress of each round, as correlated counts that ride along with a round query. */
const roundCounts = {
	technologies: sql<number>`(select count(*) from ${roundTechnology} where ${roundTechnology.roundId} = ${round.id})`.mapWith(Number),
	assigned: sql<number>`(select count(*) from ${assignment} where ${assignment.roundId} = ${round.id})`.mapWith(Number),
	submitted:
		sql<number>`(select count(*) from ${response} where ${response.roundId} = ${round.id} and ${response.state} = 'submitted' and exists (select 1 from ${assignment} a where a.round_id = ${response.roundId} and a.technology_id = ${response.technologyId} and a.user_id = ${response.userId}))`.mapWith(
			Number
		),
	rated:
		sql<number>`(select count(*) from ${roundResult} where ${roundResult.roundId} = ${round.id} and ${roundResult.result}->'rating' <> 'null'::jsonb)`.mapWith(
			Number
		)
};

const listedRound = {
	id: round.id,
	name: round.name,
	state: round.state,
	dueDate: round.dueDate,
	closedAt: round.closedAt,
	frameworkVersionId: round.frameworkVersionId,
	frameworkVersion: frameworkVersion.version,
	...roundCounts
};

/** Every round, newest first, with its counts. */
const allRounds = prepared((database) =>
	database
		.select(listedRound)
		.from(round)
		.innerJoin(frameworkVersion, eq(frameworkVersion.id, round.frameworkVersionId))
		.orderBy(desc(round.createdAt), desc(round.id))
		.prepare('list_rounds')
);

/**
 * Every round with its counts, kept while nothing pages show has changed (db/kept.ts): the dashboard, the portfolio,
 * the comparison and the reports all start from it. Frozen, since every caller shares the one list.
 */
export const listRoundsAt = keptPerPageVersion(async () => Object.freeze((await allRounds().execute()).map((r) => Object.freeze(r))));
/** The same, for this request's page version (none outside a signed-in GET request). */
export const listRounds = () => listRoundsAt();

const roundColumns = {
	id: round.id,
	name: round.name,
	state: round.state,
	dueDate: round.dueDate,
	reminderDays: round.reminderDays,
	openedAt: round.openedAt,
	closedAt: round.closedAt,
	frameworkVersionId: round.frameworkVersionId,
	frameworkVersion: frameworkVersion.version
};

export async function getRound(id: number) {
	const [row] = await db()
		.select(roundColumns)
		.from(round)
		.innerJoin(frameworkVersion, eq(frameworkVersion.id, round.frameworkVersionId))
		.where(eq(round.id, id));
	return row;
}

/**
 * The framework version a round pinned when it was created. It never changes, so once read it is
 * kept per database (a round not found is asked again: it may be created later).
 */
const pinnedVersions = perDatabase(() => new Map<number, number>());
export async function pinnedFrameworkVersion(roundId: number): Promise<number | undefined> {
	const known = pinnedVersions();
	if (!known.has(roundId)) {
		const [row] = await db().select({ versionId: round.frameworkVersionId }).from(round).where(eq(round.id, roundId));
		if (!row) return undefined;
		known.set(roundId, row.versionId);
	}
	return known.get(roundId);
}

/** A round and a technology by slug, in one statement: the context of every assessment request. */
const roundAndTechnologyQuery = prepared((database) =>
	database
		.select({
			round: { id: round.id, name: round.name, state: round.state, dueDate: round.dueDate, frameworkVersionId: round.frameworkVersionId },
			technology: {
				id: technology.id,
				name: technology.name,
				slug: technology.slug,
				category: technology.category,
				description: technology.description
			}
		})
		.from(round)
		.innerJoin(technology, eq(technology.slug, sql.placeholder('slug')))
		.where(eq(round.id, sql.placeholder('roundId')))
		.prepare('round_and_technology')
);

export async function roundAndTechnology(roundId: number, slug: string) {
	const [row] = await roundAndTechnologyQuery().execute({ roundId, slug });
	return row;
}

/** A round with its scope and progress counts, for the pages that show them. */
export async function getRoundWithProgress(id: number) {
	const [row] = await db()
		.select({ ...roundColumns, ...roundCounts })
		.from(round)
		.innerJoin(frameworkVersion, eq(frameworkVersion.id, round.frameworkVersionId))
		.where(eq(round.id, id));
	return row;
}

/** Round names are unique: creating or renaming onto a taken one is refused on the name field. */
export const ROUND_NAME_TAKEN: Record<string, [string, string]> = {
	[UNIQUE_VIOLATION]: ['name', 'A round with this name already exists.']
};

/** A new round pins the newest framework version, so later edits never change its meaning. */
export async function createRound(actorId: number, input: { name: string; dueDate: string | null }) {
	return db().transaction(async (tx) => {
		const [latest] = await tx.select({ id: frameworkVersion.id }).from(frameworkVersion).orderBy(desc(frameworkVersion.version)).limit(1);
		const [row] = await tx
			.insert(round)
			.values({ ...input, frameworkVersionId: latest.id, createdBy: actorId })
			.returning();
		await recordAudit(tx, { actorId, action: 'round.create', entity: 'round', entityId: row.id, after: row });
		return row;
	});
}

export type RoundChange = 'ok' | 'not-found' | 'closed' | 'not-draft';

/** Locks the round for a structural change and reports whether its state allows it. */
export async function lockRound(tx: Tx, roundId: number, allowed: RoundState[]): Promise<RoundChange> {
	const [row] = await tx.select({ state: round.state }).from(round).where(eq(round.id, roundId)).for('update');
	if (!row) return 'not-found';
	if (allowed.includes(row.state)) return 'ok';
	return row.state === 'closed' ? 'closed' : 'not-draft';
}

export async function updateRound(
	actorId: number,
	roundId: number,
	input: { name: string; dueDate: string | null; reminderDays?: ReminderDays | null }
) {
	return db().transaction(async (tx) => {
		const allowed = await lockRound(tx, roundId, ['draft', 'open']);
		if (allowed !== 'ok') return allowed;
		const [before] = await tx
			.select({ name: round.name, dueDate: round.dueDate, reminderDays: round.reminderDays })
			.from(round)
			.where(eq(round.id, roundId));
		await tx.update(round).set(input).where(eq(round.id, roundId));
		await recordAudit(tx, { actorId, action: 'round.update', entity: 'round', entityId: roundId, before, after: input });
		return 'ok';
	});
}
