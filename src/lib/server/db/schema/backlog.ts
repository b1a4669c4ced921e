import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, real, serial, smallint, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { ITEM_STATUSES } from '../../../domain/remediation';
import { appUser } from './auth';
import { technology } from './catalog';
import { LANES } from './framework';
import { round } from './rounds';

export { ITEM_STATUSES };

export const remediationItem = pgTable(
	'remediation_item',
	{
		id: serial('id').primaryKey(),
		technologyId: integer('technology_id')
			.notNull()
			.references(() => technology.id, { onDelete: 'cascade' }),
		vectorKey: text('vector_key').notNull(),
		kind: text('kind', { enum: ['gap', 'calibrate'] }).notNull(),
		title: text('title').notNull(),
		actions: jsonb('actions').$type<string[]>().notNull(),
		lane: text('lane', { enum: LANES }).notNull(),
		currentLevel: real('current_level'),
		targetLevel: smallint('target_level').notNull(),
		gap: real('gap').notNull(),
		priority: real('priority').notNull(),
		size: smallint('size').notNull(),
		status: text('status', { enum: ITEM_STATUSES }).notNull().default('open'),
		assigneeId: integer('assignee_id').references(() => appUser.id, { onDelete: 'set null' }),
		ticketUrl: text('ticket_url').notNull().default(''),
		// Which of title, size, assignee, status, ticketUrl a person changed: regeneration keeps those.
		edited: text('edited')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		createdRoundId: integer('created_round_id').references(() => round.id, { onDelete: 'set null' }),
		updatedRoundId: integer('updated_round_id').references(() => round.id, { onDelete: 'set null' }),
		metRoundId: integer('met_round_id').references(() => round.id, { onDelete: 'set null' }),
		version: integer('version').notNull().default(1),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		unique('remediation_item_unique').on(t.technologyId, t.vectorKey, t.kind),
		check('remediation_item_status_check', sql`${t.status} in ('open', 'in_progress', 'done', 'wont_do')`),
		check('remediation_item_kind_check', sql`${t.kind} in ('gap', 'calibrate')`),
		check('remediation_item_size_check', sql`${t.size} in (1, 2, 3, 5, 8, 13, 21)`),
		check('remediation_item_ticket_check', sql`${t.ticketUrl} = '' or ${t.ticketUrl} ~* '^https?://'`),
		index('remediation_item_priority_idx').on(t.priority)
	]
);

export type RemediationItem = typeof remediationItem.$inferSelect;
