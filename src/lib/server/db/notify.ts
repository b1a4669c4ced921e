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
const topics = new Map<string, Set<Subscriber>>();
const listening = new WeakMap<DatabaseHandle, Promise<unknown>>();

function deliver(message: string) {
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
	let started = listening.get(handle);
	if (!started) {
		// After a reconnect every subscriber hears "resync": what was published meanwhile never arrived.
		started = handle.listen(CHANNEL, deliver, () => {
			for (const topic of topics.keys()) deliver(`${topic}|resync`);
		});
		listening.set(handle, started);
		// A failed LISTEN is tried again by the next subscriber rather than remembered.
		started.catch(() => listening.delete(handle));
	}
	await started;
	const set = topics.get(topic) ?? new Set();
	set.add(onChange);
	topics.set(topic, set);
	return () => {
		set.delete(onChange);
		if (!set.size) topics.delete(topic);
	};
}

/** Changes about one person's access (signed out, deactivated): their open streams check again at once, on every instance. */
export const personTopic = (userId: number) => `person:${userId}`;

/** Publishes `payload` on `topic` from inside the caller's transaction. */
export async function publish(tx: Pick<Database, 'execute'>, topic: string, payload: string) {
	await tx.execute(sql`select pg_notify(${CHANNEL}, ${`${topic}|${payload}`})`);
}

/** How many subscribers this instance holds, for tests that check a closed stream lets go. */
export const subscriberCount = () => [...topics.values()].reduce((n, set) => n + set.size, 0);
