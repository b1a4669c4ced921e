import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { SCOPES } from '../../../domain/api-scopes';
import { appUser } from './auth';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/** A personal access token: only its SHA-256 is kept; the token itself is shown once, at creation. */
export const apiToken = pgTable(
	'api_token',
	{
		id: serial('id').primaryKey(),
		userId: integer('user_id')
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		name: text('name').notNull(),
		scope: text('scope', { enum: SCOPES }).notNull(),
		tokenHash: text('token_hash').notNull().unique(),
		/** The first characters after `opsm_`, so a person can tell their tokens apart. */
		prefix: text('prefix').notNull(),
		expiresAt: ts('expires_at').notNull(),
		lastUsedAt: ts('last_used_at'),
		revokedAt: ts('revoked_at'),
		createdAt: ts('created_at').notNull().defaultNow()
	},
	(t) => [check('api_token_scope_check', sql`${t.scope} in ('read', 'write', 'admin')`), index('api_token_user_idx').on(t.userId)]
);

export type ApiToken = typeof apiToken.$inferSelect;
