import type { PGlite } from '@electric-sql/pglite';
import { PgBoss, fromPglite, type ConstructorOptions } from 'pg-boss';
import postgres from 'postgres';
import { LOCK } from '#lib/server/db/locks.js';
import { log } from '#lib/server/log.ts';

/**
 * The job queue: pg-boss, in its own `pgboss` schema of the app's database. On PostgreSQL it
 * keeps its own small pool and gives what several instances need: each job to one worker,
 * retries with backoff, dead letters and cron schedules that fire once per slot. On the embedded
 * database it runs through PGlite's single connection (pg-boss's own PGlite adapter): same
 * queues, same schedules, one process.
 */
export type QueueDatabase = { kind: 'postgres'; url: string } | { kind: 'pglite'; client: PGlite };

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;
export type QueueSpec = {
	name: string;
	handler: JobHandler;
	/** Attempts after the first, spaced by `retryDelay` seconds, doubling. */
	retryLimit?: number;
	retryDelay?: number;
	/** Five-field cron in UTC: the queue receives one job per slot, whichever instance fires it. */
	cron?: string;
	/** Jobs fetched per poll, and how many of them run at once. */
	batchSize?: number;
	concurrency?: number;
};

const SCHEMA = 'pgboss';
/** The oldest schema pg-boss 12 migrates from; pg-boss 10 left version 24. */
const OLDEST_MIGRATABLE = 25;
/** A week of finished jobs: the outbox and the deliveries table already keep the history. */
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

let boss: PgBoss | undefined;
/** Every queue this process started: one in the app; tests start two, as two instances would. */
const started: PgBoss[] = [];
/** This process's workers per queue, to wake when it hands them work. */
const workers = new Map<string, string[]>();

export async function startQueue(database: QueueDatabase, specs: QueueSpec[], options: { pollingIntervalSeconds?: number } = {}) {
	const connection: ConstructorOptions =
		database.kind === 'postgres'
			? { connectionString: database.url, max: 3, connectionTimeoutMillis: 2000, schema: SCHEMA }
			: { db: fromPglite(database.client), backend: 'pglite', schema: SCHEMA };
	const instance = new PgBoss(connection);
	instance.on('error', (error) => log.warn('Job queue error', { error: String((error as Error)?.message ?? error) }));
	try {
		// pg-boss creating its schema and queues from two instances at once can deadlock: they take turns.
		await oneAtATime(database, async (sql) => {
			await dropUnmigratableSchema(sql);
			await instance.start();
			for (const spec of specs) await defineQueue(instance, spec);
		});
		for (const spec of specs) await startWorker(instance, spec, options.pollingIntervalSeconds ?? 2);
	} catch (error) {
		// A half-started instance keeps its pool and timers: stop it, or the process never exits.
		await instance.stop({ graceful: false }).catch(() => {});
		throw error;
	}
	boss = instance;
	started.push(instance);
	return instance;
}

async function defineQueue(instance: PgBoss, spec: QueueSpec) {
	const queue = {
		retryLimit: spec.retryLimit ?? 0,
		retryDelay: spec.retryDelay ?? 30,
		retryBackoff: true,
		deleteAfterSeconds: KEEP_FINISHED_SECONDS
	};
	// createQueue leaves an existing queue as it was: the update carries changed retry settings over.
	await instance.createQueue(spec.name, queue);
	await instance.updateQueue(spec.name, queue);
	if (spec.cron) await instance.schedule(spec.name, spec.cron, {}, { tz: 'UTC' });
	else await instance.unschedule(spec.name).catch(() => {});
}

async function startWorker(instance: PgBoss, spec: QueueSpec, pollingIntervalSeconds: number) {
	const batchSize = spec.batchSize ?? 1;
	const workerId: string = await instance.work(spec.name, { batchSize, pollingIntervalSeconds }, async (jobs) => {
		const failed: { id: string; error: unknown }[] = [];
		const queue = [...jobs];
		const lane = async () => {
			for (let job = queue.shift(); job; job = queue.shift()) {
				try {
					await spec.handler((job.data ?? {}) as Record<string, unknown>);
				} catch (error) {
					failed.push({ id: job.id, error });
				}
			}
		};
		await Promise.all(Array.from({ length: Math.min(spec.concurrency ?? 1, jobs.length) }, lane));
		// The rest of the batch completes; each failure is retried on its own.
		for (const { id, error } of failed)
			await instance.fail(spec.name, id, { message: error instanceof Error ? error.message : String(error) });
		// A full batch means more may be waiting: fetch again at once instead of after the polling pause.
		if (jobs.length === batchSize) instance.notifyWorker(workerId);
	});
	workers.set(spec.name, [...(workers.get(spec.name) ?? []), workerId]);
}

type Sql = (text: string) => Promise<Record<string, unknown>[]>;

/**
 * pg-boss 12 cannot migrate the schema pg-boss 10 left (version 24; its release notes say to move
 * jobs by hand). Every job here can be lost safely: the mail scan hands over messages whose job
 * was lost, the webhook sweep redelivers, and queues and schedules are defined again at start.
 * So an old schema is dropped, once, and pg-boss creates its own.
 */
async function dropUnmigratableSchema(sql: Sql) {
	const [{ present }] = await sql(`select to_regclass('${SCHEMA}.version') is not null as present`);
	if (!present) return;
	const [row] = await sql(`select version::int as version from ${SCHEMA}.version`);
	if (row && Number(row.version) < OLDEST_MIGRATABLE) {
		log.warn(`Replacing the job queue's schema left by pg-boss 10 (version ${row.version}); the sweeps hand queued work over again`);
		await sql(`drop schema ${SCHEMA} cascade`);
	}
}

/** Runs `fn` under a session advisory lock on PostgreSQL (PGlite has one connection: nothing to wait for). */
async function oneAtATime(database: QueueDatabase, fn: (sql: Sql) => Promise<void>) {
	if (database.kind !== 'postgres') return fn(async (text) => (await database.client.query<Record<string, unknown>>(text)).rows);
	const client = postgres(database.url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
	try {
		await client`select pg_advisory_lock(${LOCK.jobs})`;
		try {
			await fn((text) => client.unsafe(text));
		} finally {
			await client`select pg_advisory_unlock(${LOCK.jobs})`;
		}
	} finally {
		await client.end({ timeout: 5 });
	}
}

/** Hands jobs to the queue; a no-op where no queue runs (tests, the backup CLI): the periodic sweep picks the work up. */
export async function enqueue(name: string, items: Record<string, unknown>[]) {
	if (!boss || items.length === 0) return;
	for (let i = 0; i < items.length; i += 1000)
		await boss.insert(
			name,
			items.slice(i, i + 1000).map((data) => ({ data }))
		);
	// This instance's workers start now rather than at their next poll; others' find the jobs at theirs.
	for (const id of workers.get(name) ?? []) boss.notifyWorker(id);
}

export async function stopQueue() {
	boss = undefined;
	workers.clear();
	const stopping = started.splice(0);
	await Promise.all(stopping.map((instance) => instance.stop({ graceful: true, timeout: 3000 })));
}
