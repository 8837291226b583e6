import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { tenants, users } from './identity';

/** Bearer tokens of SCIM provisioning clients (db/migrations/0012_scim.sql): shown once, stored as a hash, revocable. */
export const scimTokens = sqliteTable(
  'scim_tokens',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** first characters, shown in lists so administrators can tell tokens apart */
    prefix: text('prefix').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    revokedBy: text('revoked_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [uniqueIndex('scim_tokens_hash').on(t.tokenHash)],
);

/**
 * Users and groups a provisioning client deleted (ADR 102): the rows stay, because requests,
 * schedules and the audit log name them, but SCIM answers 404 for them and lists leave them out.
 */
export const scimDeletions = sqliteTable('scim_deletions', {
  resourceId: text('resource_id').primaryKey(),
  resourceType: text('resource_type', { enum: ['User', 'Group'] }).notNull(),
  deletedAt: integer('deleted_at').notNull(),
  tokenId: text('token_id').references(() => scimTokens.id, { onDelete: 'set null' }),
});

export type ScimToken = typeof scimTokens.$inferSelect;
