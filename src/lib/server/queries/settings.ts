import { eq, sql } from 'drizzle-orm';
import { db } from '$lib/server/db';
import { setting } from '$lib/server/db/schema';
import { DEFAULT_RADAR, RINGS, type RadarConfig } from '$lib/domain/tech-radar';
import { recordAudit } from './audit';

const RADAR_KEY = 'tech-radar';

/** The stored value is typed, but an older release (or a hand edit) may have written another shape. */
function isRadarConfig(c: RadarConfig): boolean {
	return (
		!!c &&
		Array.isArray(c.quadrants) &&
		c.quadrants.length === 4 &&
		Array.isArray(c.rings) &&
		c.rings.length === 6 &&
		c.rings.every((r) => RINGS.includes(r)) &&
		typeof c.categories === 'object'
	);
}

export async function getRadarConfig(): Promise<RadarConfig & { version: number }> {
	const [row] = await db().select().from(setting).where(eq(setting.key, RADAR_KEY));
	if (!row || !isRadarConfig(row.value)) return { ...DEFAULT_RADAR, version: 0 };
	return { ...row.value, version: row.version };
}

/** Saves the mapping if nobody saved another one since `expectedVersion` (0 = never saved). */
export async function saveRadarConfig(actorId: number, expectedVersion: number, config: RadarConfig): Promise<'saved' | 'stale'> {
	return db().transaction(async (tx) => {
		const [before] = await tx.select().from(setting).where(eq(setting.key, RADAR_KEY)).for('update');
		if ((before?.version ?? 0) !== expectedVersion) return 'stale';
		if (before)
			await tx
				.update(setting)
				.set({ value: config, version: sql`${setting.version} + 1`, updatedBy: actorId, updatedAt: new Date() })
				.where(eq(setting.key, RADAR_KEY));
		else await tx.insert(setting).values({ key: RADAR_KEY, value: config, updatedBy: actorId });
		await recordAudit(tx, {
			actorId,
			action: 'setting.update',
			entity: 'setting',
			entityId: RADAR_KEY,
			before: before?.value ?? DEFAULT_RADAR,
			after: config
		});
		return 'saved';
	});
}
