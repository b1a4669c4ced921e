import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgTable, real, serial, smallint, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { LANES } from '../../../domain/framework';
import { appUser } from './auth';

export { LANES };

/** A framework version is immutable once created: editing makes a new version. */
export const frameworkVersion = pgTable('framework_version', {
	id: serial('id').primaryKey(),
	version: integer('version').notNull().unique(),
	name: text('name').notNull(),
	note: text('note').notNull().default(''),
	// Six descriptions of what a whole-technology rating of 0..5 means.
	levels: jsonb('levels').$type<string[]>().notNull(),
	// A technology's level is at most a critical vector's median plus this.
	criticalMargin: smallint('critical_margin').notNull().default(1),
	createdBy: integer('created_by').references(() => appUser.id, { onDelete: 'set null' }),
	createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
});

export const frameworkVector = pgTable(
	'framework_vector',
	{
		id: serial('id').primaryKey(),
		frameworkVersionId: integer('framework_version_id')
			.notNull()
			.references(() => frameworkVersion.id, { onDelete: 'cascade' }),
		key: text('key').notNull(),
		name: text('name').notNull(),
		description: text('description').notNull(),
		lane: text('lane', { enum: LANES }).notNull(),
		weight: real('weight').notNull().default(1),
		critical: boolean('critical').notNull().default(false),
		position: integer('position').notNull(),
		// Six one-line anchors, index = level 0..5.
		anchors: jsonb('anchors').$type<string[]>().notNull()
	},
	(t) => [
		unique('framework_vector_key').on(t.frameworkVersionId, t.key),
		check('framework_vector_lane_check', sql`${t.lane} in ('plan', 'build', 'run')`),
		check('framework_vector_weight_check', sql`${t.weight} > 0 and ${t.weight} <= 10`)
	]
);

export type FrameworkVersion = typeof frameworkVersion.$inferSelect;
export type FrameworkVectorRow = typeof frameworkVector.$inferSelect;
