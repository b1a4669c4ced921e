// Plain JavaScript so that the backup CLI (scripts/backup.js) takes the same migration lock without a build.
import { sql } from 'drizzle-orm';

/**
 * Every PostgreSQL advisory lock the app takes, in one place so two features never share a number
 * by accident. Single locks use one 64-bit key; locks per text key (one per sign-in account or
 * address) use the two-integer form, a class and the text's hash, which PostgreSQL keeps in a
 * key space of its own.
 */
export const LOCK = /** @type {const} */ ({
	/** Migrations at start: several instances may start together. */
	migration: 727_100_001,
	/** First-run setup: two visitors at once cannot both become the first admin. */
	setup: 727_100_002,
	/** Demo seeding: the second instance finds users and seeds nothing. */
	seed: 727_100_003,
	/** The job queue's schema and queues, set up by one starting instance at a time. */
	jobs: 727_100_004,
	/** Single sign-on flows under way: counted and added one at a time, so bursts cannot pass the global bound. */
	oidcFlows: 727_100_005
});

const KEYED_CLASS = /** @type {const} */ ({
	/** Sign-in attempts, counted and claimed under one lock per account and per address. */
	login: 727_100,
	/** Single sign-on, per email: two first sign-ins of one person at once create one account. */
	sso: 727_101,
	/** Published radar addresses: two admins creating at once cannot both pass the cap. */
	publishedRadar: 727_102
});

/**
 * Takes, until the transaction ends, the lock of one text key in a class.
 * @param {keyof typeof KEYED_CLASS} kind
 * @param {string} key
 */
export function keyedTransactionLock(kind, key) {
	return sql`select pg_advisory_xact_lock(${KEYED_CLASS[kind]}, hashtext(${key}))`;
}
