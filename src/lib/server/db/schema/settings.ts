import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { RadarConfig } from '../../../domain/tech-radar';
import type { SsoConfig } from '../../../domain/sso';
import type { AnonymitySetting } from '../../../domain/anonymity';
import type { AlertSetting } from '../../../domain/signals';
import type { CadenceSetting } from '../../../domain/cadence';
import { appUser } from './auth';

/** What may be stored under a key (one member per key); read sites still check the shape an older release wrote. */
export type SettingValue = RadarConfig | SsoConfig | { allowPrivateTargets: boolean } | AnonymitySetting | AlertSetting | CadenceSetting;

/** Small organisation-wide settings, one JSON value per key (e.g. the tech-radar mapping). */
export const setting = pgTable('setting', {
	key: text('key').primaryKey(),
	value: jsonb('value').$type<SettingValue>().notNull(),
	version: integer('version').notNull().default(1),
	updatedBy: integer('updated_by').references(() => appUser.id, { onDelete: 'set null' }),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});
