import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { db } from '../../src/lib/server/db';
import { rowsOf } from '../../src/lib/server/db/client';
import { appUser, auditLog, loginFailure, session, team } from '../../src/lib/server/db/schema';
import { AGILE_OPERATIONS_V1 } from '../../src/lib/domain/agile-operations-v1';
import { hashToken } from '../../src/lib/server/auth/session';
import { submitResponse } from '../../src/lib/server/queries/responses';
import { UNSEEN_TABLES } from '../../src/lib/server/http/page-cache';
import { useTestDatabase } from '../helpers/db';
import { createTeamRow } from '../helpers/factories';
import { draftOf, signedInPerson } from '../helpers/page-version';

// The page version (migration 0015, read with the session): what moves it, what does not, and that writers never deadlock on it.
useTestDatabase();

describe('the page version read with the session', () => {
	it('stays while only reads, sessions, sign-in failures and audit rows happen, and moves when a shown table is written', async () => {
		const { token, version: read } = await signedInPerson();
		const before = await read();
		await db().select().from(appUser);
		await db()
			.update(session)
			.set({ idToken: null })
			.where(eq(session.id, hashToken(token)));
		await db()
			.insert(loginFailure)
			.values({ key: `page-version-${Date.now()}` });
		await db().insert(auditLog).values({ action: 'test.unseen', entity: 'test' });
		expect(await read()).toBe(before);
		await db().execute(sql`update team set name = name where false`);
		await createTeamRow();
		const afterCommit = await read();
		expect(afterCommit).not.toBe(before);
		// Rolled back: nothing changed, so nothing moves.
		await db()
			.transaction(async (tx) => {
				await tx.execute(sql`update app_user set name = name`);
				tx.rollback();
			})
			.catch(() => {});
		expect(await read()).toBe(afterCommit);
	});

	it("moves for a draft's author alone, and for everyone once it is submitted", async () => {
		const author = await signedInPerson();
		const other = await signedInPerson();
		const { tech, open, save } = await draftOf(author.user.id);
		const [authorBefore, otherBefore] = [await author.version(), await other.version()];
		expect(await save(0, 2)).toMatchObject({ status: 'saved', version: 1 });
		expect(await save(1, 3)).toMatchObject({ status: 'saved', version: 2 });
		const authorAfterDrafts = await author.version();
		expect(authorAfterDrafts).not.toBe(authorBefore);
		expect(await other.version()).toBe(otherBefore);

		const scores = Object.fromEntries(
			AGILE_OPERATIONS_V1.vectors.map((v) => [v.key, { score: 3, dontKnow: false, comment: '', evidenceUrl: '' }])
		);
		const submitted = await submitResponse(
			{ roundId: open.id, technologyId: tech.id, userId: author.user.id },
			{ expectedVersion: 2, answers: scores, vectorKeys: AGILE_OPERATIONS_V1.vectors.map((v) => v.key) }
		);
		expect(submitted).toMatchObject({ status: 'saved', state: 'submitted' });
		expect(await other.version()).not.toBe(otherBefore);
		expect(await author.version()).not.toBe(authorAfterDrafts);
	});

	it.runIf(process.env.TEST_DATABASE_URL)(
		'lets two writers that cross each other commit, on PostgreSQL: the version is taken at the commit, never midway',
		async () => {
			const [a, b] = [await createTeamRow(), await createTeamRow()];
			const reader = await signedInPerson();
			const before = await reader.version();
			// Which other backend waits for a lock now: each side goes on only once the other holds or waits.
			const waiting = async () =>
				rowsOf<{ n: number }>(
					await db().execute(
						sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like 'update "team"%'`
					)
				)[0].n;
			const until = async (ready: () => Promise<boolean> | boolean) => {
				for (let i = 0; i < 500 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 10));
			};
			let firstWrote = false;
			let secondWrote = false;
			const rename = (tx: Parameters<Parameters<ReturnType<typeof db>['transaction']>[0]>[0], id: number, name: string) =>
				tx.update(team).set({ name }).where(eq(team.id, id));
			const first = db().transaction(async (tx) => {
				await rename(tx, a.id, 'first a');
				firstWrote = true;
				// The second has renamed b (or, were the version taken midway, waits for it while holding b).
				await until(async () => secondWrote || (await waiting()) > 0);
				await rename(tx, b.id, 'first b');
			});
			const second = db().transaction(async (tx) => {
				await until(() => firstWrote);
				await rename(tx, b.id, 'second b');
				secondWrote = true;
				// Commits while the first waits for b.
				await until(async () => (await waiting()) > 0);
			});
			await Promise.all([first, second]);
			const [row] = await db().select({ name: team.name }).from(team).where(eq(team.id, b.id));
			expect(row.name).toBe('first b');
			expect((await reader.version()).split(':')[0]).not.toBe(before.split(':')[0]);
		}
	);

	it('is moved by a write to every table but those no stored page reads', async () => {
		const rows = rowsOf<{ table: string; watched: boolean }>(
			await db().execute(sql`
				select c.relname as table, exists (select from pg_trigger g where g.tgrelid = c.oid and g.tgname = 'page_version') as watched
				from pg_class c join pg_namespace n on n.oid = c.relnamespace
				where n.nspname = 'public' and c.relkind = 'r' order by 1`)
		);
		// A table a later migration adds must be placed: watched (a trigger in its migration) or listed as unseen.
		expect(rows.filter((r) => !r.watched).map((r) => r.table)).toEqual(UNSEEN_TABLES);
		expect(rows.filter((r) => r.watched).length).toBeGreaterThan(20);
	});
});
