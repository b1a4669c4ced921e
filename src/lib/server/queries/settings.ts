import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { db } from '#lib/server/db/index.ts';
import { setting, type SettingValue } from '#lib/server/db/schema/index.ts';
import { ROLES } from '#lib/domain/roles.ts';
import { DEFAULT_SSO, type SsoConfig } from '#lib/domain/sso.ts';
import { DEFAULT_ANONYMITY, isAnonymitySetting, type AnonymitySetting } from '#lib/domain/anonymity.ts';
import { DEFAULT_RADAR, RINGS, type RadarConfig } from '#lib/domain/tech-radar.ts';
import { DEFAULT_ALERT_SETTING, isAlertSetting, type AlertSetting } from '#lib/domain/signals.ts';
import { DEFAULT_CADENCE, isCadenceSetting, type CadenceSetting } from '#lib/domain/cadence.ts';
import { keptPerPageVersion } from '#lib/server/db/kept.ts';
import { recordAudit } from './audit';

const RADAR_KEY = 'tech-radar';
const SSO_KEY = 'sso';
const WEBHOOK_KEY = 'webhooks';
export const ANONYMITY_KEY = 'anonymity';

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

const ssoShape = z.object({
	groupsClaim: z.string(),
	defaultRole: z.enum(ROLES),
	mappings: z.array(z.object({ group: z.string(), role: z.enum(ROLES).nullable(), teamId: z.number().int().nullable() }))
});

async function readSetting<T extends SettingValue>(key: string, valid: (v: T) => boolean, fallback: T): Promise<T & { version: number }> {
	const [row] = await db().select().from(setting).where(eq(setting.key, key));
	if (!row || !valid(row.value as T)) return { ...fallback, version: 0 };
	return { ...(row.value as T), version: row.version };
}

/** Saves a setting if nobody saved another one since `expectedVersion` (0 = never saved), with an audit entry. */
async function saveSetting<T extends SettingValue>(actorId: number, key: string, expectedVersion: number, value: T, fallback: T) {
	return db().transaction(async (tx) => {
		const [before] = await tx.select().from(setting).where(eq(setting.key, key)).for('update');
		if ((before?.version ?? 0) !== expectedVersion) return 'stale' as const;
		if (before)
			await tx
				.update(setting)
				.set({ value, version: sql`${setting.version} + 1`, updatedBy: actorId, updatedAt: new Date() })
				.where(eq(setting.key, key));
		else await tx.insert(setting).values({ key, value, updatedBy: actorId });
		await recordAudit(tx, {
			actorId,
			action: 'setting.update',
			entity: 'setting',
			entityId: key,
			before: before?.value ?? fallback,
			after: value
		});
		return 'saved' as const;
	});
}

export const getRadarConfig = () => readSetting<RadarConfig>(RADAR_KEY, isRadarConfig, DEFAULT_RADAR);

export const saveRadarConfig = (actorId: number, expectedVersion: number, config: RadarConfig) =>
	saveSetting(actorId, RADAR_KEY, expectedVersion, config, DEFAULT_RADAR);

export const getSsoConfig = () => readSetting<SsoConfig>(SSO_KEY, (v) => ssoShape.safeParse(v).success, DEFAULT_SSO);

export const saveSsoConfig = (actorId: number, expectedVersion: number, config: SsoConfig) =>
	saveSetting(actorId, SSO_KEY, expectedVersion, config, DEFAULT_SSO);

export type WebhookPolicy = { allowPrivateTargets: boolean };
const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = { allowPrivateTargets: false };

export const getWebhookPolicy = () =>
	readSetting<WebhookPolicy>(WEBHOOK_KEY, (v) => typeof v?.allowPrivateTargets === 'boolean', DEFAULT_WEBHOOK_POLICY);

export const saveWebhookPolicy = (actorId: number, expectedVersion: number, policy: WebhookPolicy) =>
	saveSetting(actorId, WEBHOOK_KEY, expectedVersion, policy, DEFAULT_WEBHOOK_POLICY);

export const getAnonymity = () => readSetting<AnonymitySetting>(ANONYMITY_KEY, isAnonymitySetting, DEFAULT_ANONYMITY);

/** The threshold from a stored value read alongside other data (see the technology page), or the default. */
export const anonymityThreshold = (stored: unknown) => (isAnonymitySetting(stored) ? stored.threshold : DEFAULT_ANONYMITY.threshold);

export const saveAnonymity = (actorId: number, expectedVersion: number, value: AnonymitySetting) =>
	saveSetting(actorId, ANONYMITY_KEY, expectedVersion, value, DEFAULT_ANONYMITY);

const ALERT_KEY = 'alertmanager';
export const getAlertSetting = () => readSetting<AlertSetting>(ALERT_KEY, isAlertSetting, DEFAULT_ALERT_SETTING);
export const saveAlertSetting = (actorId: number, expectedVersion: number, value: AlertSetting) =>
	saveSetting(actorId, ALERT_KEY, expectedVersion, value, DEFAULT_ALERT_SETTING);

const CADENCE_KEY = 'cadence';
/** Kept while nothing pages show has changed (db/kept.ts): the technology page and the portfolio read it on every view. */
export const getCadenceSetting = keptPerPageVersion(async () =>
	Object.freeze(await readSetting<CadenceSetting>(CADENCE_KEY, isCadenceSetting, DEFAULT_CADENCE))
);
export const saveCadenceSetting = (actorId: number, expectedVersion: number, value: CadenceSetting) =>
	saveSetting(actorId, CADENCE_KEY, expectedVersion, value, DEFAULT_CADENCE);
