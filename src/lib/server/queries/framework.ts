import { asc, desc, eq, max } from 'drizzle-orm';
import { db } from '#lib/server/db/index.ts';
import { perDatabase } from '#lib/server/db/prepared.ts';
import { sqlState, UNIQUE_VIOLATION, type Database } from '#lib/server/db/client.ts';
import { frameworkVector, frameworkVersion } from '#lib/server/db/schema/index.ts';
import { AGILE_OPERATIONS_V1 } from '#lib/domain/agile-operations-v1.ts';
import { DEFAULT_CRITICAL_MARGIN, type Framework, type Vector } from '#lib/domain/framework.ts';
import { recordAudit } from './audit';
import { ensureSignalKinds } from './signals';

export type StoredFramework = Framework & { id: number; createdAt: Date; note: string };

/** Installs version 1, and the signal kinds its vectors start with, into a database that has none yet; a no-op afterwards. */
export async function ensureFramework() {
	await ensureSignalKinds();
	const [existing] = await db().select({ id: frameworkVersion.id }).from(frameworkVersion).limit(1);
	if (existing) return;
	try {
		await insertFrameworkVersion(null, AGILE_OPERATIONS_V1, 'The Agile Operations framework as published.');
	} catch (e) {
		// Another instance starting at the same moment installed it first.
		if (sqlState(e) !== UNIQUE_VIOLATION) throw e;
	}
}

async function insertFrameworkVersion(actorId: number | null, framework: Framework, note: string) {
	return db().transaction(async (tx) => {
		const [row] = await tx
			.insert(frameworkVersion)
			.values({
				version: framework.version,
				name: framework.name,
				levels: framework.levels,
				criticalMargin: framework.criticalMargin ?? DEFAULT_CRITICAL_MARGIN,
				note,
				createdBy: actorId
			})
			.returning({ id: frameworkVersion.id, version: frameworkVersion.version });
		await tx.insert(frameworkVector).values(framework.vectors.map((v, position) => ({ ...v, frameworkVersionId: row.id, position })));
		await recordAudit(tx, {
			actorId,
			action: 'framework.create',
			entity: 'framework',
			entityId: row.version,
			after: {
				note,
				criticalMargin: framework.criticalMargin ?? DEFAULT_CRITICAL_MARGIN,
				vectors: framework.vectors.map((v) => ({ key: v.key, weight: v.weight, lane: v.lane, critical: !!v.critical }))
			}
		});
		return row;
	});
}

export async function listFrameworkVersions() {
	return db()
		.select({
			id: frameworkVersion.id,
			version: frameworkVersion.version,
			name: frameworkVersion.name,
			note: frameworkVersion.note,
			createdAt: frameworkVersion.createdAt
		})
		.from(frameworkVersion)
		.orderBy(desc(frameworkVersion.version));
}

/**
 * Framework versions never change once created (an edit adds the next version), so each is read
 * once per database and kept, frozen, in memory; only "which is the latest" is asked each time.
 */
const knownVersions = perDatabase(() => new Map<number, Promise<StoredFramework>>());

/** The version a round pinned, or the latest when none is given. */
export async function getFramework(versionId?: number): Promise<StoredFramework> {
	const database = db();
	const id = versionId ?? (await latestFrameworkVersionId(database));
	const versions = knownVersions();
	let framework = versions.get(id);
	if (!framework) {
		framework = readFramework(database, id);
		versions.set(id, framework);
		// A failed read (the database away) is not remembered.
		framework.catch(() => versions.delete(id));
	}
	return framework;
}

async function latestFrameworkVersionId(database: Database) {
	const [head] = await database.select({ id: frameworkVersion.id }).from(frameworkVersion).orderBy(desc(frameworkVersion.version)).limit(1);
	if (!head) throw new Error('no framework installed');
	return head.id;
}

async function readFramework(database: Database, versionId: number): Promise<StoredFramework> {
	const [[head], vectors] = await Promise.all([
		database.select().from(frameworkVersion).where(eq(frameworkVersion.id, versionId)),
		database
			.select({
				key: frameworkVector.key,
				name: frameworkVector.name,
				description: frameworkVector.description,
				lane: frameworkVector.lane,
				weight: frameworkVector.weight,
				anchors: frameworkVector.anchors,
				critical: frameworkVector.critical
			})
			.from(frameworkVector)
			.where(eq(frameworkVector.frameworkVersionId, versionId))
			.orderBy(asc(frameworkVector.position))
	]);
	if (!head) throw new Error(`no framework version ${versionId}`);
	return deepFreeze({
		id: head.id,
		version: head.version,
		name: head.name,
		note: head.note,
		createdAt: head.createdAt,
		levels: head.levels,
		vectors: vectors as Vector[],
		criticalMargin: head.criticalMargin
	});
}

/** Shared between requests, so no caller may change it. */
function deepFreeze<T>(value: T): T {
	if (value && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
		Object.values(value).forEach(deepFreeze);
		Object.freeze(value);
	}
	return value;
}

/** Saving an edit never changes a version a round may have pinned: it adds the next one. */
export async function createFrameworkVersion(
	actorId: number,
	edit: Pick<Framework, 'levels' | 'vectors' | 'criticalMargin'> & { name: string; note: string }
) {
	const [{ latest }] = await db()
		.select({ latest: max(frameworkVersion.version) })
		.from(frameworkVersion);
	return insertFrameworkVersion(
		actorId,
		{ version: (latest ?? 0) + 1, name: edit.name, levels: edit.levels, vectors: edit.vectors, criticalMargin: edit.criticalMargin },
		edit.note
	);
}

/** The version `?version=` names, else (or when it names none) the newest, with every version number. */
export async function frameworkOfQuery(url: URL) {
	const versions = await listFrameworkVersions();
	const wanted = Number(url.searchParams.get('version'));
	const chosen = versions.find((v) => v.version === wanted) ?? versions[0];
	return { framework: await getFramework(chosen.id), versions: versions.map((v) => v.version) };
}
