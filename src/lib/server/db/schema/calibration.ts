import { sql } from 'drizzle-orm';
import { check, integer, pgTable, primaryKey, serial, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { appUser } from './auth';
import { technology } from './catalog';
import { round } from './rounds';

/**
 * A live calibration session: a lead walks a technology's respondents through the vectors they
 * disagreed on, one at a time. Its whole state is here (a reload or another instance sees the
 * same), and `version` orders every step so two leads acting at once cannot both move it.
 */
export const calibrationSession = pgTable(
	'calibration_session',
	{
		id: serial('id').primaryKey(),
		roundId: integer('round_id')
			.notNull()
			.references(() => round.id, { onDelete: 'cascade' }),
		technologyId: integer('technology_id')
			.notNull()
			.references(() => technology.id, { onDelete: 'cascade' }),
		leadId: integer('lead_id').references(() => appUser.id, { onDelete: 'set null' }),
		/** The vectors flagged for disagreement when the session started, in lane order. */
		vectorKeys: text('vector_keys').array().notNull(),
		/** Index into vectorKeys of the vector under discussion; equal to its length once all are done. */
		position: integer('position').notNull().default(0),
		phase: text('phase', { enum: ['voting', 'revealed', 'ended'] })
			.notNull()
			.default('voting'),
		version: integer('version').notNull().default(1),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
		updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		check('calibration_session_phase_check', sql`${t.phase} in ('voting', 'revealed', 'ended')`),
		// One running session per technology and round; ended ones stay as the record.
		uniqueIndex('calibration_session_running_idx')
			.on(t.roundId, t.technologyId)
			.where(sql`${t.phase} <> 'ended'`)
	]
);

/** A respondent's secret re-vote on the session's current vector; cleared when the lead asks for a re-vote. */
export const calibrationVote = pgTable(
	'calibration_vote',
	{
		sessionId: integer('session_id')
			.notNull()
			.references(() => calibrationSession.id, { onDelete: 'cascade' }),
		vectorKey: text('vector_key').notNull(),
		userId: integer('user_id')
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		score: smallint('score').notNull(),
		votedAt: timestamp('voted_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.sessionId, t.vectorKey, t.userId] }),
		check('calibration_vote_score_check', sql`${t.score} between 0 and 5`)
	]
);

/** The level a technology's respondents agreed on for a vector in a round: it replaces the median there. */
export const calibratedVector = pgTable(
	'calibrated_vector',
	{
		roundId: integer('round_id')
			.notNull()
			.references(() => round.id, { onDelete: 'cascade' }),
		technologyId: integer('technology_id')
			.notNull()
			.references(() => technology.id, { onDelete: 'cascade' }),
		vectorKey: text('vector_key').notNull(),
		level: smallint('level').notNull(),
		note: text('note').notNull().default(''),
		sessionId: integer('session_id').references(() => calibrationSession.id, { onDelete: 'set null' }),
		agreedBy: integer('agreed_by').references(() => appUser.id, { onDelete: 'set null' }),
		agreedAt: timestamp('agreed_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [
		primaryKey({ columns: [t.roundId, t.technologyId, t.vectorKey] }),
		check('calibrated_vector_level_check', sql`${t.level} between 0 and 5`)
	]
);

export type CalibrationSession = typeof calibrationSession.$inferSelect;
