import { bigserial, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { AuditSnapshot } from '../../../domain/audit-entry';
import { appUser } from './auth';

export const auditLog = pgTable(
	'audit_log',
	{
		id: bigserial('id', { mode: 'number' }).primaryKey(),
		actorId: integer('actor_id').references(() => appUser.id, { onDelete: 'set null' }),
		action: text('action').notNull(),
		entity: text('entity').notNull(),
		entityId: text('entity_id'),
		before: jsonb('before').$type<AuditSnapshot>(),
		after: jsonb('after').$type<AuditSnapshot>(),
		createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
	},
	(t) => [index('audit_log_created_idx').on(t.createdAt)]
);

export type AuditEntry = typeof auditLog.$inferSelect;
