import { and, count, eq, inArray, isNull, notExists, notInArray, or, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import {
	appUser,
	assignment,
	remediationItem,
	response,
	round,
	roundResult,
	roundTechnology,
	team,
	initiative,
	technology,
	userTeam
} from '#lib/server/db/schema/index.ts';

import { type DemoRecord, type Query } from './demo-data';

// Removing the demo data, the plan: what can go, what must stay and why (demo-removal.ts carries it out).

export type Named = { id: number; name: string; reason: string };
/** A demo account that stays, and whether it still signs in with the public password (what the banner watches). */
export type KeptPerson = Named & { publicPassword: boolean };
type Item = { id: number; name: string };

export type DemoPlan = {
	record: DemoRecord;
	/** Recorded accounts that still have the public password: demo accounts in the banner's sense, the only ones removal may delete. */
	demoAccountIds: number[];
	/** What goes, by name, so the confirmation can say exactly that. */
	remove: { people: Item[]; teams: Item[]; technologies: Item[]; rounds: Item[] };
	/** Demo rows that stay, with why: someone uses them, or data that is not demo data needs them. */
	keep: { rounds: Named[]; people: KeptPerson[]; teams: Named[]; technologies: Named[] };
	/** Ratings that go with the removed rounds although their technology stays, grouped by the same rounds. */
	lostRatings: LostRatings[];
	counts: { people: number; teams: number; technologies: number; rounds: number; responses: number; backlogItems: number };
};

export const PASSWORD_CHANGED = 'its password was changed, so someone uses it';

/** Technologies that lose their ratings from these rounds. */
export type LostRatings = { technologies: string[]; rounds: string[] };

export const ids = (rows: { id: number }[]) => rows.map((r) => r.id);
const without = <T extends { id: number }>(all: T[], kept: { id: number }[]) => all.filter((r) => !kept.some((k) => k.id === r.id));
const item = ({ id, name }: Item): Item => ({ id, name });

/**
 * The backlog that goes: every item of a demo technology that goes, and items of the other demo
 * technologies that only removed demo rounds produced and nobody edited. Each is an item of a demo
 * technology: a backlog item of any other technology is never deleted.
 */
export function demoBacklog(roundIds: number[], removedTechnologies: number[], demoTechnologies: number[]) {
	return or(
		inArray(remediationItem.technologyId, removedTechnologies),
		and(
			inArray(remediationItem.technologyId, demoTechnologies),
			inArray(remediationItem.createdRoundId, roundIds),
			or(isNull(remediationItem.updatedRoundId), inArray(remediationItem.updatedRoundId, roundIds)),
			or(isNull(remediationItem.metRoundId), inArray(remediationItem.metRoundId, roundIds)),
			sql`cardinality(${remediationItem.edited}) = 0`
		)
	);
}

/** One row per (demo id, why it is still needed), folded into one line per id. */
function fold(uses: { id: number; use: string }[], names: Item[]): Named[] {
	return names
		.filter((n) => uses.some((u) => u.id === n.id))
		.map((n) => ({ ...item(n), reason: [...new Set(uses.filter((u) => u.id === n.id).map((u) => u.use))].join('; ') }));
}

/** Rows of (technology, round) in the rounds' order, folded into one entry per distinct set of rounds. */
function groupByRounds(rows: { technology: string; round: string }[]): LostRatings[] {
	const rounds = new Map<string, string[]>();
	for (const r of rows) rounds.set(r.technology, [...(rounds.get(r.technology) ?? []), r.round]);
	const groups = new Map<string, LostRatings>();
	for (const [name, list] of rounds) {
		const key = JSON.stringify(list);
		const group = groups.get(key) ?? { technologies: [], rounds: list };
		group.technologies.push(name);
		groups.set(key, group);
	}
	return [...groups.values()];
}

const emails = sql<string>`string_agg(distinct ${appUser.email}, ', ' order by ${appUser.email})`;
const technologyNames = sql<string>`string_agg(distinct ${technology.name}, ', ' order by ${technology.name})`;

/**
 * Which demo rows go and which stay. Only rows the seed recorded can go, and only while nothing
 * else needs them:
 * - a recorded account goes only while it still has the public password; once changed, someone uses it;
 * - a demo round stays while it holds anything that is not demo data: a response or an assignment of
 *   anyone but those demo accounts, a technology the seed did not create (in scope, answered, with
 *   results), or a backlog item of such a technology that refers to it. So a round that goes takes
 *   with it only demo accounts' answers about demo technologies;
 * - a demo technology stays while a round that stays has it in scope, holds answers or results about it;
 * - a demo account stays while a round that stays asks it to score or holds its answers, or a backlog
 *   item that stays is assigned to it;
 * - a demo team stays while a technology that stays belongs to it or someone who stays is a member.
 */
export async function planRemoval(q: Query, record: DemoRecord): Promise<DemoPlan> {
	const existing = async (table: typeof round | typeof technology | typeof team, wanted: number[]) =>
		q.select({ id: table.id, name: table.name }).from(table).where(inArray(table.id, wanted)).orderBy(table.name);
	const [rounds, technologies, teams] = [
		await existing(round, record.roundIds),
		await existing(technology, record.technologyIds),
		await existing(team, record.teamIds)
	];
	const users = await q
		.select({ id: appUser.id, name: appUser.email, passwordHash: appUser.passwordHash })
		.from(appUser)
		.where(inArray(appUser.id, record.userIds))
		.orderBy(appUser.email);
	// The same test as the banner's: the seeded hash means the public password (see demoAccountsExist).
	const accounts = users.filter((u) => u.passwordHash === record.passwordHash).map(item);
	const changed = users.filter((u) => u.passwordHash !== record.passwordHash).map(item);
	const accountIds = ids(accounts);
	const technologyIds = ids(technologies);
	const demoRoundIds = ids(rounds);

	const scored = q
		.select({ roundId: roundTechnology.roundId, technologyId: roundTechnology.technologyId })
		.from(roundTechnology)
		.where(and(inArray(roundTechnology.roundId, demoRoundIds), notInArray(roundTechnology.technologyId, technologyIds)))
		.union(
			q
				.select({ roundId: response.roundId, technologyId: response.technologyId })
				.from(response)
				.where(and(inArray(response.roundId, demoRoundIds), notInArray(response.technologyId, technologyIds)))
		)
		.union(
			q
				.select({ roundId: roundResult.roundId, technologyId: roundResult.technologyId })
				.from(roundResult)
				.where(and(inArray(roundResult.roundId, demoRoundIds), notInArray(roundResult.technologyId, technologyIds)))
		)
		.as('scored');
	const keptRounds = fold(
		[
			...(await q
				.select({ id: response.roundId, use: sql<string>`'holds answers by ' || ${emails}` })
				.from(response)
				.innerJoin(appUser, eq(appUser.id, response.userId))
				.where(and(inArray(response.roundId, demoRoundIds), notInArray(response.userId, accountIds)))
				.groupBy(response.roundId)),
			...(await q
				.select({ id: assignment.roundId, use: sql<string>`'asks ' || ${emails} || ' to score'` })
				.from(assignment)
				.innerJoin(appUser, eq(appUser.id, assignment.userId))
				.where(
					and(
						inArray(assignment.roundId, demoRoundIds),
						notInArray(assignment.userId, accountIds),
						notExists(
							q
								.select({ id: response.id })
								.from(response)
								.where(
									and(
										eq(response.roundId, assignment.roundId),
										eq(response.technologyId, assignment.technologyId),
										eq(response.userId, assignment.userId)
									)
								)
						)
					)
				)
				.groupBy(assignment.roundId)),
			...(await q
				.select({ id: scored.roundId, use: sql<string>`'scores ' || ${technologyNames}` })
				.from(scored)
				.innerJoin(technology, eq(technology.id, scored.technologyId))
				.groupBy(scored.roundId)),
			...(await q
				.select({ id: round.id, use: sql<string>`'backlog items of ' || ${technologyNames} || ' refer to it'` })
				.from(remediationItem)
				.innerJoin(
					round,
					or(
						eq(round.id, remediationItem.createdRoundId),
						eq(round.id, remediationItem.updatedRoundId),
						eq(round.id, remediationItem.metRoundId)
					)
				)
				.innerJoin(technology, eq(technology.id, remediationItem.technologyId))
				.where(
					and(
						inArray(round.id, demoRoundIds),
						notInArray(remediationItem.technologyId, technologyIds),
						notExists(
							q
								.select({ id: roundTechnology.roundId })
								.from(roundTechnology)
								.where(and(eq(roundTechnology.roundId, round.id), eq(roundTechnology.technologyId, remediationItem.technologyId)))
						)
					)
				)
				.groupBy(round.id))
		],
		rounds
	);
	const removeRounds = without(rounds, keptRounds);
	const removeRoundIds = ids(removeRounds);

	// Why a demo row is still needed: `idColumn` of `table` names it in a round that stays.
	const inRemainingRound = (table: PgTable, idColumn: AnyPgColumn, roundColumn: AnyPgColumn, wanted: number[], use: string) =>
		q
			.selectDistinct({ id: sql<number>`${idColumn}`, use: sql<string>`${use}::text || ' ' || ${round.name}` })
			.from(table)
			.innerJoin(round, eq(round.id, roundColumn))
			.where(and(inArray(idColumn, wanted), notInArray(roundColumn, removeRoundIds)));

	const keptTechnologies = fold(
		[
			...(await inRemainingRound(roundTechnology, roundTechnology.technologyId, roundTechnology.roundId, technologyIds, 'in scope of')),
			// Results exist only for what is in scope; asked anyway, so a technology that goes never takes a kept round's results.
			...(await inRemainingRound(roundResult, roundResult.technologyId, roundResult.roundId, technologyIds, 'in scope of')),
			...(await inRemainingRound(response, response.technologyId, response.roundId, technologyIds, 'answered in'))
		],
		technologies
	);
	const removeTechnologies = without(technologies, keptTechnologies);
	const backlog = demoBacklog(removeRoundIds, ids(removeTechnologies), technologyIds);
	const keptAccounts = fold(
		[
			...(await inRemainingRound(assignment, assignment.userId, assignment.roundId, accountIds, 'asked to score in')),
			...(await inRemainingRound(response, response.userId, response.roundId, accountIds, 'answered in')),
			...(await q
				.selectDistinct({ id: sql<number>`${remediationItem.assigneeId}`, use: sql<string>`'assigned backlog items'` })
				.from(remediationItem)
				.where(and(inArray(remediationItem.assigneeId, accountIds), sql`not coalesce(${backlog}, false)`)))
		],
		accounts
	);
	const keptPeople: KeptPerson[] = [
		...changed.map((u) => ({ ...u, reason: PASSWORD_CHANGED, publicPassword: false })),
		...keptAccounts.map((k) => ({ ...k, publicPassword: true }))
	].sort((a, b) => a.name.localeCompare(b.name));
	const removeUsers = without(accounts, keptAccounts);
	const keptTeams = fold(
		[
			...(await q
				.select({ id: team.id, use: sql<string>`'owns ' || string_agg(${technology.name}, ', ' order by ${technology.name})` })
				.from(technology)
				.innerJoin(team, eq(team.id, technology.teamId))
				.where(and(inArray(team.id, ids(teams)), notInArray(technology.id, ids(removeTechnologies))))
				.groupBy(team.id)),
			...(await q
				.selectDistinct({ id: userTeam.teamId, use: sql<string>`'has members'` })
				.from(userTeam)
				.where(and(inArray(userTeam.teamId, ids(teams)), notInArray(userTeam.userId, ids(removeUsers))))),
			...(await q
				.select({ id: team.id, use: sql<string>`'has initiatives: ' || string_agg(${initiative.name}, ', ' order by ${initiative.name})` })
				.from(initiative)
				.innerJoin(team, eq(team.id, initiative.teamId))
				.where(inArray(team.id, ids(teams)))
				.groupBy(team.id))
		],
		teams
	);

	// A technology that stays keeps its page, but its trend and previous-round radar lose what the removed rounds rated.
	const lostRatings = groupByRounds(
		await q
			.select({ technology: technology.name, round: round.name })
			.from(roundResult)
			.innerJoin(technology, eq(technology.id, roundResult.technologyId))
			.innerJoin(round, eq(round.id, roundResult.roundId))
			.where(
				and(
					inArray(roundResult.roundId, removeRoundIds),
					notInArray(roundResult.technologyId, ids(removeTechnologies)),
					sql`${roundResult.result}->'rating' <> 'null'::jsonb`
				)
			)
			.orderBy(technology.name, round.id)
	);
	const [{ responses }] = await q.select({ responses: count() }).from(response).where(inArray(response.roundId, removeRoundIds));
	const [{ backlogItems }] = await q.select({ backlogItems: count() }).from(remediationItem).where(backlog);
	const remove = {
		people: removeUsers,
		teams: without(teams, keptTeams).map(item),
		technologies: removeTechnologies,
		rounds: removeRounds
	};
	return {
		record,
		demoAccountIds: accountIds,
		remove,
		keep: { rounds: keptRounds, people: keptPeople, teams: keptTeams, technologies: keptTechnologies },
		lostRatings,
		counts: {
			people: remove.people.length,
			teams: remove.teams.length,
			technologies: remove.technologies.length,
			rounds: remove.rounds.length,
			responses,
			backlogItems
		}
	};
}
