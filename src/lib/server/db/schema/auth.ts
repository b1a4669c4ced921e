import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
// Relative, not #lib: drizzle-kit reads the schema on its own, outside Vite.
import { ROLES } from '../../../domain/roles';

export { ROLES, type Role } from '../../../domain/roles';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const team = pgTable('team', {
	id: serial('id').primaryKey(),
	name: text('name').notNull().unique(),
	createdAt: createdAt()
});

export const appUser = pgTable(
	'app_user',
	{
		id: serial('id').primaryKey(),
		email: text('email').notNull().unique(),
		name: text('name').notNull(),
		passwordHash: text('password_hash').notNull(),
		role: text('role', { enum: ROLES }).notNull(),
		/** The single sign-on groups gave this role, so leaving them takes it away; an invitation's or an administrator's stays. */
		roleFromGroups: boolean('role_from_groups').notNull().default(false),
		active: boolean('active').notNull().default(true),
		/** Kinds of email this person turned off on /account (MAIL_PREFERENCE_KEYS). */
		mailOptOut: text('mail_opt_out')
			.array()
			.notNull()
			.default(sql`'{}'::text[]`),
		/**
		 * SHA-256 (hex) of the per-person unsubscribe token that emails carried before 0013, so links
		 * already delivered keep working; each email now has its own token (mail_message).
		 */
		unsubscribeTokenHash: text('unsubscribe_token_hash').unique(),
		createdAt: createdAt()
	},
	(t) => [
		check('app_user_role_check', sql`${t.role} in ('admin', 'lead', 'member', 'viewer')`),
		check('app_user_email_lower', sql`${t.email} = lower(${t.email})`)
	]
);

export const userTeam = pgTable(
	'user_team',
	{
		userId: integer('user_id')
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		teamId: integer('team_id')
			.notNull()
			.references(() => team.id, { onDelete: 'cascade' })
	},
	(t) => [primaryKey({ columns: [t.userId, t.teamId] }), index('user_team_team_idx').on(t.teamId)]
);

export const session = pgTable(
	'session',
	{
		// SHA-256 of the token, hex: the token itself is never stored.
		id: text('id').primaryKey(),
		userId: integer('user_id')
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		/** The provider's ID token of a single sign-on session, sent back as the hint when signing out there too. */
		idToken: text('id_token'),
		createdAt: createdAt()
	},
	(t) => [index('session_user_idx').on(t.userId)]
);

/** A person as an OpenID provider knows them: matched by verified email once, then remembered by `sub`. */
export const userIdentity = pgTable(
	'user_identity',
	{
		issuer: text('issuer').notNull(),
		subject: text('subject').notNull(),
		userId: integer('user_id')
			.notNull()
			.references(() => appUser.id, { onDelete: 'cascade' }),
		lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }).notNull().defaultNow(),
		createdAt: createdAt()
	},
	(t) => [primaryKey({ columns: [t.issuer, t.subject] }), index('user_identity_user_idx').on(t.userId)]
);

/**
 * A sign-in on its way through the provider: what the callback must check (state, nonce, the
 * PKCE verifier) and where to go after. Keyed by the SHA-256 of a cookie only this browser holds,
 * used once, and short-lived.
 */
export const oidcFlow = pgTable('oidc_flow', {
	id: text('id').primaryKey(),
	state: text('state').notNull(),
	nonce: text('nonce').notNull(),
	codeVerifier: text('code_verifier').notNull(),
	next: text('next').notNull(),
	expiresAt: timestamp('expires_at', { withTimezone: true }).notNull()
});

export const invitation = pgTable(
	'invitation',
	{
		id: serial('id').primaryKey(),
		tokenHash: text('token_hash').notNull().unique(),
		email: text('email').notNull(),
		role: text('role', { enum: ROLES }).notNull(),
		teamIds: integer('team_ids')
			.array()
			.notNull()
			.default(sql`'{}'::integer[]`),
		createdBy: integer('created_by').references(() => appUser.id, { onDelete: 'set null' }),
		expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
		usedAt: timestamp('used_at', { withTimezone: true }),
		createdAt: createdAt()
	},
	(t) => [check('invitation_role_check', sql`${t.role} in ('admin', 'lead', 'member', 'viewer')`)]
);

export const loginFailure = pgTable(
	'login_failure',
	{
		id: serial('id').primaryKey(),
		// email + client address, so one attacker cannot lock a user out from everywhere
		key: text('key').notNull(),
		failedAt: timestamp('failed_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('login_failure_key_idx').on(t.key, t.failedAt)]
);

export type AppUser = typeof appUser.$inferSelect;
export type Team = typeof team.$inferSelect;
