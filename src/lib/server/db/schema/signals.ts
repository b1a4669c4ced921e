import { sql } from 'drizzle-orm';
import { check, date, doublePrecision, index, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { SIGNAL_MEASURES, SIGNAL_SOURCES } from '../../../domain/signals';
import { appUser } from './auth';
import { technology } from './catalog';

/** How to read one kind of fact (see `SignalKind`): defined by admins, referred to by `key` in the API and files. */
export const signalKind = pgTable(
	'signal_kind',
	{
		id: serial('id').primaryKey(),
		key: text('key').notNull().unique(),
		name: text('name').notNull(),
		unit: text('unit').notNull().default(''),
		vectorKey: text('vector_key').notNull(),
		measure: text('measure', { enum: SIGNAL_MEASURES }).notNull(),
		better: text('better', { enum: ['higher', 'lower'] }).notNull(),
		thresholds: jsonb('thresholds').$type<number[]>().notNull(),
		version: integer('version').notNull().default(1),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('signal_kind_key_check', sql`${t.key} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`)]
);

/**
 * Every fact received, kept as history: the newest observation per technology and kind is the
 * current one. One row per observation time, so sending the same observation again changes nothing.
 */
export const signal = pgTable(
	'signal',
	{
		id: serial('id').primaryKey(),
		technologyId: integer('technology_id')
			.notNull()
			.references(() => technology.id, { onDelete: 'cascade' }),
		kindId: integer('kind_id')
			.notNull()
			.references(() => signalKind.id, { onDelete: 'cascade' }),
		valueNumber: doublePrecision('value_number'),
		valueDate: date('value_date', { mode: 'string' }),
		detail: text('detail').notNull().default(''),
		source: text('source', { enum: SIGNAL_SOURCES }).notNull(),
		observedAt: timestamp('observed_at', { withTimezone: true }).notNull(),
		recordedBy: integer('recorded_by').references(() => appUser.id, { onDelete: 'set null' }),
		recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [uniqueIndex('signal_observation_idx').on(t.technologyId, t.kindId, t.observedAt)]
);

/** Alerts Alertmanager reported firing and has not yet reported resolved, by fingerprint: their count per technology is a signal. */
export const firingAlert = pgTable(
	'firing_alert',
	{
		fingerprint: text('fingerprint').primaryKey(),
		technologyId: integer('technology_id')
			.notNull()
			.references(() => technology.id, { onDelete: 'cascade' }),
		startsAt: timestamp('starts_at', { withTimezone: true }).notNull()
	},
	(t) => [index('firing_alert_technology_idx').on(t.technologyId)]
);
