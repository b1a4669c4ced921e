import { and, asc, eq, inArray } from 'drizzle-orm';
import { db } from '../../src/lib/server/db';
import { answer, appUser, assignment, response, round, roundResult, team, technology } from '../../src/lib/server/db/schema';
import { type SessionUser } from '../../src/lib/server/auth/session';
import * as demoPage from '../../src/routes/(app)/admin/demo/+page.server';
import { dataOf, fakeEvent, run } from './event';

// Reading the demo's rows back, and driving /admin/demo, for the demo-data tests.

export const byEmail = async (email: string) => (await db().select().from(appUser).where(eq(appUser.email, email)))[0];
export const byName = async (table: typeof team | typeof technology, name: string) =>
	(await db().select({ id: table.id }).from(table).where(eq(table.name, name)))[0];
export const names = async (table: typeof team | typeof technology | typeof round) =>
	(await db().select({ name: table.name }).from(table).orderBy(asc(table.name))).map((r) => r.name);
export const emails = async () =>
	(await db().select({ email: appUser.email }).from(appUser).orderBy(asc(appUser.email))).map((r) => r.email);
export const asSessionUser = (u: typeof appUser.$inferSelect): SessionUser => ({
	id: u.id,
	email: u.email,
	name: u.name,
	role: u.role
});
export const remove = (user: SessionUser, form: Record<string, string> = { confirm: 'yes' }) =>
	run(demoPage.actions.remove, fakeEvent({ user, form, url: '/admin/demo' }));
export const preview = async (user: SessionUser) =>
	dataOf(await run(demoPage.load, fakeEvent({ user, url: '/admin/demo?confirm=remove' })));
export const demoRounds = async () => {
	const [closed, open] = await db().select().from(round).orderBy(asc(round.id));
	return { closed, open };
};
/** Every answer (with its response) in a round, or of some people: to compare before and after. */
export const answersIn = (roundId: number, userIds?: number[]) =>
	db()
		.select()
		.from(answer)
		.innerJoin(response, eq(response.id, answer.responseId))
		.where(and(eq(response.roundId, roundId), userIds ? inArray(response.userId, userIds) : undefined))
		.orderBy(asc(answer.responseId), asc(answer.vectorKey));
export const resultsIn = (roundId: number) =>
	db().select().from(roundResult).where(eq(roundResult.roundId, roundId)).orderBy(asc(roundResult.technologyId));
export const assignmentsIn = (roundId: number) =>
	db().select().from(assignment).where(eq(assignment.roundId, roundId)).orderBy(asc(assignment.technologyId), asc(assignment.userId));
