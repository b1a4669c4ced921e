import { and, asc, count, desc, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import type { Tx } from '#lib/server/db/client.ts';
import { keptPerPageVersion } from '#lib/server/db/kept.ts';
import { firingAlert, signal, signalKind, technology } from '#lib/server/db/schema/index.ts';
import { DEFAULT_SIGNAL_KINDS, factOf, SOURCE_LABELS, type FactView, type SignalKind, type SignalValue } from '#lib/domain/signals.ts';
import { ratingAge } from '#lib/domain/rating-source.ts';
import { recordAudit } from './audit';

export type StoredKind = SignalKind & { id: number; version: number };

const kindColumns = {
	id: signalKind.id,
	key: signalKind.key,
	name: signalKind.name,
	unit: signalKind.unit,
	vectorKey: signalKind.vectorKey,
	measure: signalKind.measure,
	better: signalKind.better,
	thresholds: signalKind.thresholds,
	version: signalKind.version
};

/** Every kind, by name; kept while nothing pages show has changed (db/kept.ts): the technology page reads it on every view. */
export const listSignalKinds = keptPerPageVersion(async (): Promise<readonly StoredKind[]> =>
	Object.freeze((await db().select(kindColumns).from(signalKind).orderBy(asc(signalKind.name))).map((k) => Object.freeze(k)))
);

export async function getSignalKind(key: string): Promise<StoredKind | undefined> {
	const [row] = await db().select(kindColumns).from(signalKind).where(eq(signalKind.key, key));
	return row;
}

export type KindInput = Omit<SignalKind, 'key'>;

export async function createSignalKind(actorId: number, key: string, input: KindInput) {
	return db().transaction(async (tx) => {
		const [row] = await tx
			.insert(signalKind)
			.values({ key, ...input })
			.onConflictDoNothing()
			.returning({ id: signalKind.id });
		if (!row) return 'taken' as const;
		await recordAudit(tx, { actorId, action: 'signal-kind.create', entity: 'signal_kind', entityId: key, after: input });
		return 'created' as const;
	});
}

/** Saves a kind if nobody changed it since `expectedVersion`. */
export async function updateSignalKind(actorId: number, id: number, expectedVersion: number, input: KindInput) {
	return db().transaction(async (tx) => {
		const [before] = await tx.select().from(signalKind).where(eq(signalKind.id, id)).for('update');
		if (!before) return 'not-found' as const;
		if (before.version !== expectedVersion) return 'stale' as const;
		await tx
			.update(signalKind)
			.set({ ...input, version: before.version + 1, updatedAt: new Date() })
			.where(eq(signalKind.id, id));
		await recordAudit(tx, { actorId, action: 'signal-kind.update', entity: 'signal_kind', entityId: before.key, before, after: input });
		return 'saved' as const;
	});
}

export type SignalInput = Omit<SignalValue, 'observedAt'> & {
	technologyId: number;
	kindId: number;
	/** When the fact was observed; left out, now, unless the newest observation already says the same. */
	observedAt?: Date;
	recordedBy: number | null;
};

type Outcome = { outcome: 'created' | 'updated' | 'unchanged'; observedAt: Date };

/**
 * Records observations, in one transaction: all or none. Each, sent again, changes nothing: the same
 * technology, kind and observation time replaces what was there; without a time, a fact equal to the
 * newest one is not recorded again (it stays dated from when it first said so). Anything else adds to
 * the history.
 */
export async function recordSignals(inputs: SignalInput[]): Promise<Outcome[]> {
	return db().transaction(async (tx) => {
		await lockTechnologies(
			tx,
			inputs.map((i) => i.technologyId)
		);
		const outcomes: Outcome[] = [];
		for (const input of inputs) outcomes.push(await recordIn(tx, input));
		return outcomes;
	});
}

export const recordSignal = async (input: SignalInput) => (await recordSignals([input]))[0];

/**
 * Locks technologies' rows in one order (by id), so that two senders of facts about them at once take turns
 * without deadlock; returns the ids, each once, in that order.
 */
async function lockTechnologies(tx: Tx, technologyIds: number[]) {
	const ids = [...new Set(technologyIds)].sort((a, b) => a - b);
	if (ids.length)
		await tx.select({ id: technology.id }).from(technology).where(inArray(technology.id, ids)).orderBy(technology.id).for('no key update');
	return ids;
}

/** One observation, in a transaction that holds its technology's row. */
async function recordIn(tx: Tx, input: SignalInput): Promise<Outcome> {
	const same = (row: typeof signal.$inferSelect) =>
		row.valueNumber === input.number && row.valueDate === input.date && row.detail === input.detail && row.source === input.source;
	const ofKind = and(eq(signal.technologyId, input.technologyId), eq(signal.kindId, input.kindId));
	const [before] = await tx
		.select()
		.from(signal)
		.where(input.observedAt ? and(ofKind, eq(signal.observedAt, input.observedAt)) : ofKind)
		.orderBy(desc(signal.observedAt))
		.limit(1);
	if (before && same(before)) return { outcome: 'unchanged', observedAt: before.observedAt };
	const observedAt = input.observedAt ?? new Date();
	const values = {
		technologyId: input.technologyId,
		kindId: input.kindId,
		valueNumber: input.number,
		valueDate: input.date,
		detail: input.detail,
		source: input.source,
		observedAt,
		recordedBy: input.recordedBy,
		recordedAt: new Date()
	};
	if (before && input.observedAt) {
		await tx.update(signal).set(values).where(eq(signal.id, before.id));
		return { outcome: 'updated', observedAt };
	}
	await tx.insert(signal).values(values);
	return { outcome: 'created', observedAt };
}

const signalColumns = {
	technologyId: signal.technologyId,
	kindId: signal.kindId,
	number: signal.valueNumber,
	date: signal.valueDate,
	detail: signal.detail,
	source: signal.source,
	observedAt: signal.observedAt
};

/** The newest observation of each kind for each of `technologyIds`; with `asOf`, the newest made by then. */
export async function currentSignals(technologyIds: number[], asOf?: Date) {
	if (!technologyIds.length) return [];
	return db()
		.selectDistinctOn([signal.technologyId, signal.kindId], signalColumns)
		.from(signal)
		.where(and(inArray(signal.technologyId, technologyIds), asOf ? lte(signal.observedAt, asOf) : undefined))
		.orderBy(signal.technologyId, signal.kindId, desc(signal.observedAt));
}

export type CurrentSignal = Awaited<ReturnType<typeof currentSignals>>[number];

/** One technology's observations of one kind, newest first. */
export const signalHistory = (technologyId: number, kindId: number, limit = 100) =>
	db()
		.select(signalColumns)
		.from(signal)
		.where(and(eq(signal.technologyId, technologyId), eq(signal.kindId, kindId)))
		.orderBy(desc(signal.observedAt))
		.limit(limit);

export type AlertChange = { fingerprint: string; technologyId: number; firing: boolean; startsAt: Date };

/**
 * Applies one Alertmanager notification: firing alerts are remembered by fingerprint, resolved ones
 * forgotten, and the count of firing alerts of each technology it touched (those it names, and one an
 * alert moved away from) is recorded as the fact `kindId`, in the same transaction, with those
 * technologies locked: two notifications at once cannot each count only their own alerts, nor
 * record their counts in the wrong order. Returns each touched technology's count.
 */
export async function applyAlerts(notification: AlertChange[], kindId: number, recordedBy: number): Promise<Map<number, number>> {
	// The last word on a fingerprint wins: one statement cannot write a row twice.
	const changes = [...new Map(notification.map((c) => [c.fingerprint, c])).values()];
	return db().transaction(async (tx) => {
		const fingerprints = changes.map((c) => c.fingerprint);
		const moved = fingerprints.length
			? await tx.select({ technologyId: firingAlert.technologyId }).from(firingAlert).where(inArray(firingAlert.fingerprint, fingerprints))
			: [];
		const touched = await lockTechnologies(tx, [...changes.map((c) => c.technologyId), ...moved.map((m) => m.technologyId)]);
		if (!touched.length) return new Map();
		const resolved = changes.filter((c) => !c.firing).map((c) => c.fingerprint);
		if (resolved.length) await tx.delete(firingAlert).where(inArray(firingAlert.fingerprint, resolved));
		const firing = changes.filter((c) => c.firing);
		if (firing.length)
			await tx
				.insert(firingAlert)
				.values(firing.map(({ fingerprint, technologyId, startsAt }) => ({ fingerprint, technologyId, startsAt })))
				.onConflictDoUpdate({
					target: firingAlert.fingerprint,
					set: { technologyId: sql`excluded.technology_id`, startsAt: sql`excluded.starts_at` }
				});
		const counts = await tx
			.select({ technologyId: firingAlert.technologyId, firing: count() })
			.from(firingAlert)
			.where(inArray(firingAlert.technologyId, touched))
			.groupBy(firingAlert.technologyId);
		const byTechnology = new Map(touched.map((id) => [id, 0]));
		for (const row of counts) byTechnology.set(row.technologyId, row.firing);
		for (const [technologyId, n] of byTechnology) {
			const detail = `${n} alert${n === 1 ? '' : 's'} firing, as Alertmanager reported`;
			await recordIn(tx, { technologyId, kindId, number: n, date: null, detail, source: 'alertmanager', recordedBy });
		}
		return byTechnology;
	});
}

/** Technologies by the value of an alert label: their slug, or their name in any case. */
export async function technologiesByLabel(values: string[]): Promise<Map<string, number>> {
	if (!values.length) return new Map();
	const lower = values.map((v) => v.toLowerCase());
	const rows = await db()
		.select({ id: technology.id, slug: technology.slug, name: technology.name })
		.from(technology)
		.where(sql`${technology.slug} in ${lower} or lower(${technology.name}) in ${lower}`);
	const found = new Map<string, number>();
	for (const v of values) {
		const row = rows.find((r) => r.slug === v.toLowerCase()) ?? rows.find((r) => r.name.toLowerCase() === v.toLowerCase());
		if (row) found.set(v, row.id);
	}
	return found;
}

/**
 * Each technology's current facts (the newest of each kind), read as of `now`. `settled`: only facts
 * observed by `now` count, so that a closed round's report reads the same whenever it is made.
 */
export async function factsOf(technologyIds: number[], now = new Date(), settled = false): Promise<Map<number, FactView[]>> {
	const [kinds, signals] = await Promise.all([listSignalKinds(), currentSignals(technologyIds, settled ? now : undefined)]);
	const byId = new Map(kinds.map((k) => [k.id, k]));
	const facts = new Map<number, FactView[]>();
	for (const s of signals) {
		const kind = byId.get(s.kindId);
		if (!kind) continue;
		const fact = factOf(kind, { ...s, observedAt: new Date(s.observedAt) }, now);
		const list = facts.get(s.technologyId) ?? [];
		list.push({
			kind: kind.key,
			vectorKey: kind.vectorKey,
			text: fact.text,
			detail: s.detail,
			suggests: fact.suggests,
			source: SOURCE_LABELS[s.source],
			observedAt: new Date(s.observedAt).toISOString(),
			age: ratingAge(s.observedAt, now)
		});
		facts.set(s.technologyId, list);
	}
	return facts;
}

/** Installs the default signal kinds into a database that has none; a no-op afterwards. */
export async function ensureSignalKinds() {
	const [any] = await db().select({ id: signalKind.id }).from(signalKind).limit(1);
	if (!any) await db().insert(signalKind).values(DEFAULT_SIGNAL_KINDS).onConflictDoNothing();
}

/** The technologies whose end-of-life data is fetched: an address and a running version to match it to. */
export const endOfLifeSources = () =>
	db()
		.select({ id: technology.id, name: technology.name, runningVersion: technology.runningVersion, url: technology.endOfLifeUrl })
		.from(technology)
		.where(and(ne(technology.endOfLifeUrl, ''), ne(technology.runningVersion, ''), ne(technology.lifecycle, 'retired')));
