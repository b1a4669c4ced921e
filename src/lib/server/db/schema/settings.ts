import { integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { appUser } from './auth';

/** Small organisation-wide settings, one JSON value per key (e.g. the tech-radar mapping). */
export const setting = pgTable('setting', {
	key: text('key').primaryKey(),
	value: jsonb('value').notNull(),
	version: integer('version').notNull().default(1),
	updatedBy: integer('updated_by').references(() => appUser.id, { onDelete: 'set null' }),
	updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
});
