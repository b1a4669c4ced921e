import { count, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { LOCK } from '#lib/server/db/locks.js';
import { appUser } from '#lib/server/db/schema/index.ts';
import { seedDemoAssessments } from './assessments';
import { seedDemoPeople } from './people';
import { forgetDemoAccounts, recordDemoData } from '#lib/server/queries/demo-data.ts';

export const DEMO_PASSWORD = 'opsmaturity-demo';

export type SeedSetting = string | undefined;

/** `SEED_DEMO=0` never seeds, `1` seeds any empty database; unset seeds an empty embedded one. */
export function shouldSeed(setting: SeedSetting, kind: 'postgres' | 'pglite'): boolean {
	if (setting === '0') return false;
	if (setting === '1') return true;
	return kind === 'pglite';
}

/** Seeds only a database that has no users yet, so a restart never seeds twice. */
export async function seedDemoIfEmpty(): Promise<boolean> {
	const seeded = await db().transaction(async (tx) => {
		// Instances starting together take turns; the second finds users and seeds nothing.
		await tx.execute(sql`select pg_advisory_xact_lock(${LOCK.seed})`);
		const [{ n }] = await tx.select({ n: count() }).from(appUser);
		if (n > 0) return false;
		const people = await seedDemoPeople(tx, DEMO_PASSWORD);
		const { technologyIds, roundIds } = await seedDemoAssessments(tx, people);
		// Exactly these rows are demo data: what "Remove demo data" may delete, and whose password the banner watches.
		await recordDemoData(tx, {
			passwordHash: people.passwordHash,
			userIds: [...people.userId.values()],
			teamIds: [...people.teamId.values()],
			technologyIds,
			roundIds
		});
		return true;
	});
	if (seeded) forgetDemoAccounts();
	return seeded;
}
