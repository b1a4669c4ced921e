import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '#lib/server/db/index.ts';
import { perDatabase } from '#lib/server/db/prepared.ts';
import type { Database, Tx } from '#lib/server/db/client.ts';
import { appUser, setting } from '#lib/server/db/schema/index.ts';

export const DEMO_KEY = 'demo-data';

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

export type Query = Pick<Database, 'select' | 'selectDistinct'>;

// `SettingValue` types the radar mapping only, so this key's JSON is written as SQL and checked with zod where it is read.
export const asJson = (value: DemoRecord) => sql`${JSON.stringify(value)}::jsonb`;

export async function recordDemoData(tx: Tx, record: DemoRecord) {
	await tx.insert(setting).values({ key: DEMO_KEY, value: asJson(record) });
}

export async function readRecord(q: Query, lock = false): Promise<DemoRecord | null> {
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
/** The answer kept for each database handle: it is about that database's accounts. */
const keptOf = perDatabase(() => ({
	known: undefined as { value: boolean; at: number; number: number } | undefined,
	/** The newest answer read, trusted or not. */
	last: undefined as { value: boolean; at: number; number: number } | undefined,
	generation: 0,
	answers: 0
}));
/** The answer kept, while it is still trusted. */
const trusted = () => {
	const { known } = keptOf();
	return known && Date.now() - known.at < RECHECK_MS ? known : undefined;
};

export function forgetDemoAccounts() {
	const kept = keptOf();
	kept.known = undefined;
	kept.generation++;
}

/**
 * Which answer is kept and still trusted now, undefined while none is: each answer that differs from the one before
 * gets a new number, so a page rendered with another is out of date (page-cache.ts).
 */
export const demoAnswerNumber = () => trusted()?.number;

export async function demoAccountsExist(): Promise<boolean> {
	const answer = trusted();
	if (answer) return answer.value;
	const kept = keptOf();
	const asked = kept.generation;
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
	if (asked === kept.generation) {
		// The same answer keeps its number: pages rendered with it are still right (page-cache.ts).
		const number = kept.last?.value === !!row ? kept.last.number : ++kept.answers;
		kept.known = kept.last = { value: !!row, at: Date.now(), number };
	}
	return !!row;
}

export async function demoDataExists(): Promise<boolean> {
	return (await readRecord(db())) !== null;
}
