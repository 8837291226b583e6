import { integer, sqliteTable, text, index, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { users } from './identity';

/**
 * Append-only audit log. Each row stores the hash of the previous row and its own hash
 * over its content and that link, so altering or removing a row breaks the chain.
 * Triggers in the migration refuse UPDATE and DELETE.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    id: text('id').notNull(),
    at: integer('at').notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    outcome: text('outcome', { enum: ['Success', 'Failure'] }).notNull(),
    principalType: text('principal_type'),
    principalId: text('principal_id'),
    principalName: text('principal_name'),
    roleId: text('role_id'),
    roleName: text('role_name'),
    scopeId: text('scope_id'),
    requestId: text('request_id'),
    justification: text('justification'),
    /** JSON with anything else worth keeping (window, settings diff, reasons) */
    details: text('details').notNull().default('{}'),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    uniqueIndex('audit_events_id').on(t.id),
    index('audit_at').on(t.at),
    index('audit_scope').on(t.scopeId),
    index('audit_actor').on(t.actorId),
    index('audit_principal').on(t.principalId),
  ],
);

export const notifications = sqliteTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull().default(''),
    link: text('link'),
    requestId: text('request_id'),
    createdAt: integer('created_at').notNull(),
    readAt: integer('read_at'),
  },
  (t) => [index('notifications_user').on(t.userId, t.readAt, t.createdAt)],
);

/** Every e-mail the portal sends or would send; with no SMTP configured it stays here for admins to read. */
export const emailOutbox = sqliteTable(
  'email_outbox',
  {
    id: text('id').primaryKey(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    link: text('link'),
    requestId: text('request_id'),
    status: text('status', { enum: ['queued', 'sent', 'failed', 'outbox'] }).notNull(),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [index('email_outbox_status').on(t.status, t.createdAt)],
);

/** Personal API tokens. Only a SHA-256 of the token is stored. */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    /** first characters, shown in lists so people can tell tokens apart */
    prefix: text('prefix').notNull(),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastUsedAt: integer('last_used_at'),
    revokedAt: integer('revoked_at'),
    /** set for short-lived tokens minted right after an MFA step-up */
    mfaVerifiedAt: integer('mfa_verified_at'),
  },
  (t) => [uniqueIndex('api_tokens_hash').on(t.tokenHash), index('api_tokens_user').on(t.userId)],
);

/** A counter bumped by every write that changes what the engine sees, so cached indexes know to rebuild. */
export const tenantRevision = sqliteTable('tenant_revision', {
  id: integer('id').primaryKey(),
  revision: integer('revision').notNull(),
});

/**
 * What every committed write changed, one row per changed entity, written by triggers
 * (db/migrations/0002_change_log.sql) so no write path can forget it. A process holding
 * a policy index catches up by refreshing the listed entities; `seq` is the tenant's
 * revision. `nonce` tells a committed row from a rolled-back one that reused its `seq`.
 */
export const changeLog = sqliteTable('change_log', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  entity: text('entity', { enum: ['resource', 'role', 'user', 'group', 'schedule', 'settings', 'request'] }).notNull(),
  entityId: text('entity_id').notNull(),
  nonce: integer('nonce').notNull(),
  at: integer('at').notNull(),
});

export type AuditEvent = typeof auditEvents.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type EmailOutboxRow = typeof emailOutbox.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
