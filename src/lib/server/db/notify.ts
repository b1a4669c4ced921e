import { sql } from 'drizzle-orm';
import { log } from '#lib/server/log.ts';
import type { DatabaseHandle, Database } from './client';
import { databaseHandle } from './index';

/**
 * Changes other instances must hear about, through PostgreSQL LISTEN/NOTIFY (PGlite delivers them
 * inside its process). Each instance listens once, on one channel, and fans each message out to
 * the subscribers of its topic in this process; a notice sent inside a transaction arrives only
 * once that transaction commits, and never if it rolls back.
 */
const CHANNEL = 'opsmaturity_changes';

type Subscriber = (payload: string) => void;
type Topics = Map<string, Set<Subscriber>>;
/** Subscribers per database handle: a topic names rows (a round, a person) of one database, and hears only its LISTEN. */
const topicsOf = new WeakMap<DatabaseHandle, Topics>();
const listening = new WeakMap<DatabaseHandle, Promise<unknown>>();

function deliver(topics: Topics, message: string) {
	const at = message.indexOf('|');
	const topic = at < 0 ? message : message.slice(0, at);
	for (const subscriber of topics.get(topic) ?? []) {
		try {
			subscriber(message.slice(at + 1));
		} catch (error) {
			log.warn('A change subscriber failed', { topic, error: String(error) });
		}
	}
}

/** Calls `onChange` with each payload published on `topic` by any instance; returns the unsubscribe. */
export async function subscribe(topic: string, onChange: Subscriber): Promise<() => void> {
	const handle = databaseHandle();
	if (!handle) throw new Error('database not started');
	let topics = topicsOf.get(handle);
	if (!topics) topicsOf.set(handle, (topics = new Map()));
	const heard = topics;
	let started = listening.get(handle);
	if (!started) {
		// After a reconnect every subscriber hears "resync": what was published meanwhile never arrived.
		started = handle.listen(
			CHANNEL,
			(message) => deliver(heard, message),
			() => {
				for (const topic of heard.keys()) deliver(heard, `${topic}|resync`);
			}
		);
		listening.set(handle, started);
		// A failed LISTEN is tried again by the next subscriber rather than remembered.
		started.catch(() => listening.delete(handle));
	}
	await started;
	const set = heard.get(topic) ?? new Set();
	set.add(onChange);
	heard.set(topic, set);
	return () => {
		set.delete(onChange);
		if (!set.size) heard.delete(topic);
	};
}

/** Changes about one person's access (signed out, deactivated): their open streams check again at once, on every instance. */
export const personTopic = (userId: number) => `person:${userId}`;

/** Publishes `payload` on `topic` from inside the caller's transaction. */
export async function publish(tx: Pick<Database, 'execute'>, topic: string, payload: string) {
	await tx.execute(sql`select pg_notify(${CHANNEL}, ${`${topic}|${payload}`})`);
}

/** How many subscribers this instance holds, for tests that check a closed stream lets go. */
export const subscriberCount = () => {
	const handle = databaseHandle();
	return [...((handle && topicsOf.get(handle)?.values()) || [])].reduce((n, set) => n + set.size, 0);
};
