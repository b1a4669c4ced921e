import { integer, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { appUser } from './auth';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A published radar address: anyone holding the link reads the tech radar without signing in (Build
 * Your Own Radar fetches it from the browser). Only the SHA-256 of the link's secret is kept, so a
 * backup or a look at the database gives no working link; the link itself is shown once, at creation.
 */
export const publishedRadar = pgTable('published_radar', {
	id: serial('id').primaryKey(),
	/** What the address is for, so admins can tell them apart and know what a revocation breaks. */
	name: text('name').notNull(),
	tokenHash: text('token_hash').notNull().unique(),
	/** The first characters of the secret, to match a link someone holds with its row. */
	prefix: text('prefix').notNull(),
	createdBy: integer('created_by').references(() => appUser.id, { onDelete: 'set null' }),
	createdAt: ts('created_at').notNull().defaultNow(),
	lastFetchedAt: ts('last_fetched_at'),
	revokedAt: ts('revoked_at')
});
