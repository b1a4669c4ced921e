import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, serial, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { team } from './auth';

export { LIFECYCLES };

import { LIFECYCLES } from '../../../domain/catalog';

export type { TechnologyLinks } from '../../../domain/catalog';
import type { TechnologyLinks } from '../../../domain/catalog';

export const technology = pgTable(
	'technology',
	{
		id: serial('id').primaryKey(),
		slug: text('slug').notNull().unique(),
		name: text('name').notNull(),
		category: text('category').notNull(),
		teamId: integer('team_id').references(() => team.id, { onDelete: 'restrict' }),
		lifecycle: text('lifecycle', { enum: LIFECYCLES }).notNull().default('production'),
		description: text('description').notNull().default(''),
		links: jsonb('links').$type<TechnologyLinks>().notNull().default({}),
		targetLevel: smallint('target_level').notNull().default(3),
		/** The version running in production, matched to end-of-life data's release cycles; empty when unknown. */
		runningVersion: text('running_version').notNull().default(''),
		/** Where end-of-life data for its product is fetched daily (endoflife.date's shape); empty: uploaded by hand, if at all. */
		endOfLifeUrl: text('end_of_life_url').notNull().default(''),
		/** Days after which its rating is due again; null: its category's default. */
		reassessDays: smallint('reassess_days'),
		version: integer('version').notNull().default(1),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('technology_target_check', sql`${t.targetLevel} between 0 and 5`),
		check('technology_lifecycle_check', sql`${t.lifecycle} in ('evaluating', 'production', 'deprecated', 'retired')`),
		check('technology_reassess_check', sql`${t.reassessDays} between 7 and 1095`),
		check('technology_slug_check', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
		index('technology_team_idx').on(t.teamId)
	]
);

export type Technology = typeof technology.$inferSelect;
