import { asc, desc, eq, max } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { sqlState, UNIQUE_VIOLATION } from '$lib/server/db/client';
import { frameworkVector, frameworkVersion } from '$lib/server/db/schema';
import { AGILE_OPERATIONS_V1 } from '$lib/domain/agile-operations-v1';
import type { Framework, Vector } from '$lib/domain/framework';
import { recordAudit } from './audit';

export type StoredFramework = Framework & { id: number; createdAt: Date; note: string };

/** Installs version 1 into a database that has no framework yet; a no-op afterwards. */
export async function ensureFramework() {
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
			.values({ version: framework.version, name: framework.name, levels: framework.levels, note, createdBy: actorId })
			.returning({ id: frameworkVersion.id, version: frameworkVersion.version });
		await tx.insert(frameworkVector).values(framework.vectors.map((v, position) => ({ ...v, frameworkVersionId: row.id, position })));
		await recordAudit(tx, {
			actorId,
			action: 'framework.create',
			entity: 'framework',
			entityId: row.version,
			after: { note, vectors: framework.vectors.map((v) => ({ key: v.key, weight: v.weight, lane: v.lane })) }
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

export async function getFramework(versionId?: number): Promise<StoredFramework> {
	const [head] = await db()
		.select()
		.from(frameworkVersion)
		.where(versionId ? eq(frameworkVersion.id, versionId) : undefined)
		.orderBy(desc(frameworkVersion.version))
		.limit(1);
	if (!head) throw new Error('no framework installed');
	const vectors = await db()
		.select({
			key: frameworkVector.key,
			name: frameworkVector.name,
			description: frameworkVector.description,
			lane: frameworkVector.lane,
			weight: frameworkVector.weight,
			anchors: frameworkVector.anchors
		})
		.from(frameworkVector)
		.where(eq(frameworkVector.frameworkVersionId, head.id))
		.orderBy(asc(frameworkVector.position));
	return {
		id: head.id,
		version: head.version,
		name: head.name,
		note: head.note,
		createdAt: head.createdAt,
		levels: head.levels,
		vectors: vectors as Vector[]
	};
}

/** Saving an edit never changes a version a round may have pinned: it adds the next one. */
export async function createFrameworkVersion(
	actorId: number,
	edit: Pick<Framework, 'levels' | 'vectors'> & { name: string; note: string }
) {
	const [{ latest }] = await db()
		.select({ latest: max(frameworkVersion.version) })
		.from(frameworkVersion);
	return insertFrameworkVersion(
		actorId,
		{ version: (latest ?? 0) + 1, name: edit.name, levels: edit.levels, vectors: edit.vectors },
		edit.note
	);
}
