import { sql } from 'drizzle-orm';
import { check, date, integer, pgTable, serial, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { appUser, team } from './auth';

/**
 * A goal with a date for a set of technologies: "Recoverability ≥ 3 for every database by
 * 2027-06-30". The set is a filter (category, owning team, both or neither; retired technologies
 * never count), so a technology added later joins the goal it falls under.
 */
export const initiative = pgTable(
	'initiative',
	{
		id: serial('id').primaryKey(),
		name: text('name').notNull(),
		// Null: the technology's level; else this vector's median.
		vectorKey: text('vector_key'),
		targetLevel: smallint('target_level').notNull(),
		dueOn: date('due_on', { mode: 'string' }).notNull(),
		category: text('category'),
		// A team with initiatives cannot be deleted: the goal would silently widen to every team.
		teamId: integer('team_id').references(() => team.id, { onDelete: 'restrict' }),
		createdBy: integer('created_by').references(() => appUser.id, { onDelete: 'set null' }),
		version: integer('version').notNull().default(1),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [check('initiative_target_level_check', sql`${t.targetLevel} between 0 and 5`)]
);

export type Initiative = typeof initiative.$inferSelect;
