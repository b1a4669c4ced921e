import { sql } from 'drizzle-orm';
import { RESPONSE_STATES, ROUND_STATES } from '../../../domain/states';
import type { TechnologyResult } from '../../../domain/aggregate';
import {
	boolean,
	check,
	date,
	foreignKey,
	index,
	integer,
	jsonb,
	pgTable,
	primaryKey,
	serial,
	smallint,
	text,
	timestamp,
	unique
} from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { technology } from './catalog';
import { frameworkVersion } from './framework';

export { ROUND_STATES, RESPONSE_STATES, type RoundState, type ResponseState } from '../../../domain/states';

const ts = (name: string) => timestamp(name, { withTimezone: true });

export const round = pgTable(
	'round',
	{
		id: serial('id').primaryKey(),
		name: text('name').notNull(),
		frameworkVersionId: integer('framework_version_id')
			.notNull()
			.references(() => frameworkVersion.id, { onDelete: 'restrict' }),
		dueDate: date('due_date', { mode: 'string' }),
		/** Days before the due date that respondents who have not submitted are reminded; null is off. */
		reminderDays: smallint('reminder_days').default(2),
		state: text('state', { enum: ROUND_STATES }).notNull().default('draft'),
		openedAt: ts('opened_at'),
		closedAt: ts('closed_at'),
		createdBy: integer('created_by').references(() => appUser.id, { onDelete: 'set null' }),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [
		check('round_state_check', sql`${t.state} in ('draft', 'open', 'closed')`),
		check('round_reminder_days_check', sql`${t.reminderDays} in (2, 5, 7)`),
		unique('round_name_unique').on(t.name)
	]
);

export const roundTechnology = pgTable(
	'round_technology',
	{
		roundId: integer('round_id')
			.notNull()
			.references(() => round.id, { onDelete: 'cascade' }),
		technologyId: integer('technology_id')
			.notNull()
			.references(() => technology.id, { onDelete: 'restrict' })
	},
	(t) => [primaryKey({ columns: [t.roundId, t.technologyId] })]
);

export const assignment = pgTable(
	'assignment',
	{
		roundId: integer('round_id').notNull(),
		technologyId: integer('technology_id').notNull(),
		userId: integer('user_id')
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' })
	},
	(t) => [
		primaryKey({ columns: [t.roundId, t.technologyId, t.userId] }),
		foreignKey({
			name: 'assignment_scope_fk',
			columns: [t.roundId, t.technologyId],
			foreignColumns: [roundTechnology.roundId, roundTechnology.technologyId]
		}).onDelete('cascade'),
		index('assignment_user_idx').on(t.userId)
	]
);

export const response = pgTable(
	'response',
	{
		id: serial('id').primaryKey(),
		roundId: integer('round_id')
			.notNull()
			.references(() => round.id, { onDelete: 'cascade' }),
		technologyId: integer('technology_id')
			.notNull()
			.references(() => technology.id, { onDelete: 'restrict' }),
		userId: integer('user_id')
			.notNull()
			.references(() => appUser.id, { onDelete: 'restrict' }),
		state: text('state', { enum: RESPONSE_STATES }).notNull().default('draft'),
		version: integer('version').notNull().default(1),
		submittedAt: ts('submitted_at'),
		updatedAt: ts('updated_at').notNull().defaultNow()
	},
	(t) => [
		unique('response_unique').on(t.roundId, t.technologyId, t.userId),
		check('response_state_check', sql`${t.state} in ('draft', 'submitted')`),
		index('response_round_tech_idx').on(t.roundId, t.technologyId),
		// The session reads a person's responses' versions on every request: their drafts' share of the page cache's validator.
		index('response_user_version_idx').on(t.userId, t.version)
	]
);

export const answer = pgTable(
	'answer',
	{
		responseId: integer('response_id')
			.notNull()
			.references(() => response.id, { onDelete: 'cascade' }),
		vectorKey: text('vector_key').notNull(),
		score: smallint('score'),
		dontKnow: boolean('dont_know').notNull().default(false),
		comment: text('comment').notNull().default(''),
		evidenceUrl: text('evidence_url').notNull().default('')
	},
	(t) => [
		primaryKey({ columns: [t.responseId, t.vectorKey] }),
		check('answer_score_range', sql`${t.score} is null or ${t.score} between 0 and 5`),
		check('answer_dont_know_no_score', sql`not (${t.dontKnow} and ${t.score} is not null)`),
		check('answer_comment_length', sql`char_length(${t.comment}) <= 2000`),
		check('answer_evidence_scheme', sql`${t.evidenceUrl} = '' or ${t.evidenceUrl} ~* '^https?://'`)
	]
);

export type Round = typeof round.$inferSelect;
export type ResponseRow = typeof response.$inferSelect;
export type AnswerRow = typeof answer.$inferSelect;

/**
 * Results per round × technology as the results SQL computed them, refreshed in the same
 * transaction as every change that can alter them (submit, reopen, respondents, scope). Pages
 * about many technologies read this instead of re-aggregating every answer.
 */
export const roundResult = pgTable(
	'round_result',
	{
		roundId: integer('round_id')
			.notNull()
			.references(() => round.id, { onDelete: 'cascade' }),
		technologyId: integer('technology_id')
			.notNull()
			.references(() => technology.id, { onDelete: 'cascade' }),
		result: jsonb('result').$type<TechnologyResult>().notNull(),
		updatedAt: ts('updated_at').notNull().defaultNow()
	},
	// By technology too: a technology's newest closed result (initiatives) is looked up per technology.
	(t) => [primaryKey({ columns: [t.roundId, t.technologyId] }), index('round_result_technology_idx').on(t.technologyId)]
);
