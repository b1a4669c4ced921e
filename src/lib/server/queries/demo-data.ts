import { and, count, eq, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '$lib/server/db';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database, Tx } from '$lib/server/db/client';
import {
	appUser,
	assignment,
	remediationItem,
	response,
	round,
	roundTechnology,
	setting,
	team,
	technology,
	userTeam
} from '$lib/server/db/schema';
import { recordAudit } from './audit';

const DEMO_KEY = 'demo-data';

/**
 * What the demo seed created, by id, kept in the `setting` row 'demo-data', so removal deletes
 * exactly those rows and never something an organisation made later with a similar name. The
 * hash is the one the seed gave every demo account (of the public password: nothing secret).
 */
const demoRecord = z.object({
	passwordHash: z.string(),
	userIds: z.array(z.number().int()),
	teamIds: z.array(z.number().int()),
	technologyIds: z.array(z.number().int()),
	roundIds: z.array(z.number().int())
});
export type DemoRecord = z.infer<typeof demoRecord>;

type Query = Pick<Database, 'select' | 'selectDistinct'>;

// `SettingValue` types the radar mapping only, so this key's JSON is written as SQL and checked with zod where it is read.
const asJson = (value: DemoRecord) => sql`${JSON.stringify(value)}::jsonb`;

export async function recordDemoData(tx: Tx, record: DemoRecord) {
	await tx.insert(setting).values({ key: DEMO_KEY, value: asJson(record) });
}

async function readRecord(q: Query, lock = false): Promise<DemoRecord | null> {
	const query = q.select({ value: setting.value }).from(setting).where(eq(setting.key, DEMO_KEY));
	const [row] = await (lock ? query.for('update') : query);
	const parsed = demoRecord.safeParse(row?.value);
	return parsed.success ? parsed.data : null;
}

/**
 * "Do demo accounts with the public password exist?", asked by the layouts on every page.
 * Verifying argon2 hashes per request would cost tens of milliseconds each. Instead: argon2 salts
 * every hash, so an account still has the public password exactly while its `password_hash` is
 * the string the seed recorded — any change of password writes a different one. That makes the
 * answer one small query, and this process keeps it for RECHECK_MS, so the banner costs no query
 * per request. It forgets the answer at once when it seeds, removes demo data, or changes a
 * password or an account's active flag; another instance on the same database notices within
 * RECHECK_MS. (Someone who types the public password again as their new one gets a new salt and is
 * not counted.)
 */
const RECHECK_MS = 30_000;
let known: { value: boolean; at: number } | undefined;
let generation = 0;

export function forgetDemoAccounts() {
	known = undefined;
	generation++;
}

export async function demoAccountsExist(): Promise<boolean> {
	if (known && Date.now() - known.at < RECHECK_MS) return known.value;
	const asked = generation;
	const [row] = await db()
		.select({ id: appUser.id })
		.from(appUser)
		.innerJoin(setting, eq(setting.key, DEMO_KEY))
		.where(
			and(
				eq(appUser.active, true),
				sql`${setting.value} -> 'userIds' @> to_jsonb(${appUser.id})`,
				sql`${appUser.passwordHash} = ${setting.value} ->> 'passwordHash'`
			)
		)
		.limit(1);
	// An answer that was being computed while something forgot it may already be stale.
	if (asked === generation) known = { value: !!row, at: Date.now() };
	return !!row;
}

export async function demoDataExists(): Promise<boolean> {
	return (await readRecord(db())) !== null;
}

type Named = { id: number; name: string; reason: string };

export type DemoPlan = {
	record: DemoRecord;
	remove: { userIds: number[]; teamIds: number[]; technologyIds: number[]; roundIds: number[] };
	/** Demo rows that data created later depends on: they stay, with why. */
	keep: { people: Named[]; teams: Named[]; technologies: Named[] };
	counts: { people: number; teams: number; technologies: number; rounds: number; responses: number; backlogItems: number };
};

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
const without = (all: number[], kept: Named[]) => all.filter((id) => !kept.some((k) => k.id === id));

/** Items that only demo rounds produced and nobody edited, and every item of a technology that goes. */
function demoBacklog(roundIds: number[], removedTechnologies: number[]) {
	return or(
		inArray(remediationItem.technologyId, removedTechnologies),
		and(
			inArray(remediationItem.createdRoundId, roundIds),
			or(isNull(remediationItem.updatedRoundId), inArray(remediationItem.updatedRoundId, roundIds)),
			or(isNull(remediationItem.metRoundId), inArray(remediationItem.metRoundId, roundIds)),
			sql`cardinality(${remediationItem.edited}) = 0`
		)
	);
}

/** One row per (demo id, why it is still needed), folded into one line per id. */
function fold(uses: { id: number; use: string }[], names: { id: number; name: string }[]): Named[] {
	return names
		.filter((n) => uses.some((u) => u.id === n.id))
		.map((n) => ({ ...n, reason: [...new Set(uses.filter((u) => u.id === n.id).map((u) => u.use))].join('; ') }));
}

/**
 * Which demo rows go and which stay. Demo rounds always go, with everything in them. A demo
 * technology stays while a later round has it in scope or holds answers about it; a demo person
 * while a later round asks them to score or holds their answers, or a remaining backlog item is
 * theirs; a demo team while a remaining technology belongs to it or a remaining person is a member.
 */
async function planRemoval(q: Query, record: DemoRecord): Promise<DemoPlan> {
	const existing = async (table: typeof round | typeof technology | typeof team, wanted: number[]) =>
		q.select({ id: table.id, name: table.name }).from(table).where(inArray(table.id, wanted));
	const [rounds, technologies, teams] = [
		await existing(round, record.roundIds),
		await existing(technology, record.technologyIds),
		await existing(team, record.teamIds)
	];
	const users = await q.select({ id: appUser.id, name: appUser.email }).from(appUser).where(inArray(appUser.id, record.userIds));
	const roundIds = ids(rounds);
	// Why a demo row is still needed: `idColumn` of `table` names it in a round that is not a demo round.
	const inLaterRound = (table: PgTable, idColumn: AnyPgColumn, roundColumn: AnyPgColumn, wanted: number[], use: string) =>
		q
			.selectDistinct({ id: sql<number>`${idColumn}`, use: sql<string>`${use}::text || ' ' || ${round.name}` })
			.from(table)
			.innerJoin(round, eq(round.id, roundColumn))
			.where(and(inArray(idColumn, wanted), notInArray(roundColumn, roundIds)));

	const keptTechnologies = fold(
		[
			...(await inLaterRound(roundTechnology, roundTechnology.technologyId, roundTechnology.roundId, ids(technologies), 'in scope of')),
			...(await inLaterRound(response, response.technologyId, response.roundId, ids(technologies), 'answered in'))
		],
		technologies
	);
	const removeTechnologies = without(ids(technologies), keptTechnologies);
	const keptPeople = fold(
		[
			...(await inLaterRound(assignment, assignment.userId, assignment.roundId, ids(users), 'asked to score in')),
			...(await inLaterRound(response, response.userId, response.roundId, ids(users), 'answered in')),
			...(await q
				.selectDistinct({ id: sql<number>`${remediationItem.assigneeId}`, use: sql<string>`'assigned backlog items'` })
				.from(remediationItem)
				.where(
					and(inArray(remediationItem.assigneeId, ids(users)), sql`not coalesce(${demoBacklog(roundIds, removeTechnologies)}, false)`)
				))
		],
		users
	);
	const removeUsers = without(ids(users), keptPeople);
	const keptTeams = fold(
		[
			...(await q
				.select({ id: team.id, use: sql<string>`'owns ' || string_agg(${technology.name}, ', ' order by ${technology.name})` })
				.from(technology)
				.innerJoin(team, eq(team.id, technology.teamId))
				.where(and(inArray(team.id, ids(teams)), notInArray(technology.id, removeTechnologies)))
				.groupBy(team.id)),
			...(await q
				.selectDistinct({ id: userTeam.teamId, use: sql<string>`'has members'` })
				.from(userTeam)
				.where(and(inArray(userTeam.teamId, ids(teams)), notInArray(userTeam.userId, removeUsers))))
		],
		teams
	);

	const [{ responses }] = await q.select({ responses: count() }).from(response).where(inArray(response.roundId, roundIds));
	const [{ backlogItems }] = await q
		.select({ backlogItems: count() })
		.from(remediationItem)
		.where(demoBacklog(roundIds, removeTechnologies));
	const remove = { userIds: removeUsers, teamIds: without(ids(teams), keptTeams), technologyIds: removeTechnologies, roundIds };
	return {
		record,
		remove,
		keep: { people: keptPeople, teams: keptTeams, technologies: keptTechnologies },
		counts: {
			people: remove.userIds.length,
			teams: remove.teamIds.length,
			technologies: remove.technologyIds.length,
			rounds: remove.roundIds.length,
			responses,
			backlogItems
		}
	};
}

/** What removal would do now, for the confirmation page; null when there is no demo data. */
export async function previewDemoRemoval(): Promise<DemoPlan | null> {
	const record = await readRecord(db());
	return record ? planRemoval(db(), record) : null;
}

export const isDemoAccount = (plan: DemoPlan | null, userId: number) => !!plan?.record.userIds.includes(userId);

export type RemoveDemoResult =
	{ outcome: 'none' | 'demo-actor' } | { outcome: 'removed'; counts: DemoPlan['counts']; keep: DemoPlan['keep'] };

/**
 * Deletes the demo rounds (their scope, assignments, responses, answers and results go with
 * them), then the demo technologies, people (sessions, memberships, assignments) and teams that
 * nothing later depends on, and the backlog only the demo rounds produced. A demo account cannot
 * do this: after it, the organisation must still have an admin of its own.
 */
export async function removeDemoData(actorId: number): Promise<RemoveDemoResult> {
	const result = await db().transaction(async (tx): Promise<RemoveDemoResult> => {
		// The row lock makes two removals take turns; the second finds what the first left.
		const record = await readRecord(tx, true);
		if (!record) return { outcome: 'none' };
		if (record.userIds.includes(actorId)) return { outcome: 'demo-actor' };
		// Rows about to go are locked first, so a round cannot take them into scope halfway through.
		await tx.select({ id: technology.id }).from(technology).where(inArray(technology.id, record.technologyIds)).for('update');
		await tx.select({ id: appUser.id }).from(appUser).where(inArray(appUser.id, record.userIds)).for('update');
		const plan = await planRemoval(tx, record);
		const { remove, keep } = plan;
		await tx.delete(remediationItem).where(demoBacklog(remove.roundIds, remove.technologyIds));
		await tx.delete(round).where(inArray(round.id, remove.roundIds));
		await tx.delete(technology).where(inArray(technology.id, remove.technologyIds));
		await tx.delete(appUser).where(inArray(appUser.id, remove.userIds));
		await tx.delete(team).where(inArray(team.id, remove.teamIds));
		const rest = {
			...record,
			userIds: keep.people.map((k) => k.id),
			teamIds: keep.teams.map((k) => k.id),
			technologyIds: keep.technologies.map((k) => k.id),
			roundIds: []
		};
		if (rest.userIds.length + rest.teamIds.length + rest.technologyIds.length === 0)
			await tx.delete(setting).where(eq(setting.key, DEMO_KEY));
		else
			await tx
				.update(setting)
				.set({ value: asJson(rest), updatedBy: actorId, updatedAt: new Date() })
				.where(eq(setting.key, DEMO_KEY));
		const names = (list: Named[]) => list.map((k) => k.name);
		await recordAudit(tx, {
			actorId,
			action: 'demo.remove',
			entity: 'demo_data',
			after: {
				...plan.counts,
				keptPeople: names(keep.people),
				keptTeams: names(keep.teams),
				keptTechnologies: names(keep.technologies)
			}
		});
		return { outcome: 'removed', counts: plan.counts, keep };
	});
	if (result.outcome === 'removed') forgetDemoAccounts();
	return result;
}
