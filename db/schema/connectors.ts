import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './identity';

/**
 * Connectors (ADR 080): targets outside Elevate and signed webhooks. Created by
 * db/migrations/0008_connectors.sql, which also holds the indexes and checks. None of
 * these tables writes the change log: the policy engine does not read them.
 */
export const connectors = sqliteTable('connectors', {
  id: text('id').primaryKey(),
  type: text('type', { enum: ['postgresql', 'webhook'] }).notNull(),
  displayName: text('display_name').notNull(),
  source: text('source', { enum: ['file', 'portal'] }).notNull(),
  /** JSON of the non-secret options */
  options: text('options').notNull().default('{}'),
  /** 'env:NAME': the secret stays in the environment */
  secretRef: text('secret_ref'),
  /** a secret typed in the portal, sealed with the encryption key */
  secretSealed: text('secret_sealed'),
  state: text('state', { enum: ['active', 'paused'] })
    .notNull()
    .default('active'),
  pausedReason: text('paused_reason'),
  eventCursor: integer('event_cursor').notNull().default(0),
  headAttempts: integer('head_attempts').notNull().default(0),
  headNextAt: integer('head_next_at'),
  headFailingSince: integer('head_failing_since'),
  removedAt: integer('removed_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  createdBy: text('created_by').references(() => users.id),
});

export const connectorBindings = sqliteTable('connector_bindings', {
  id: text('id').primaryKey(),
  connectorId: text('connector_id')
    .notNull()
    .references(() => connectors.id, { onDelete: 'cascade' }),
  scopeId: text('scope_id').notNull(),
  mode: text('mode', { enum: ['report', 'enforce'] }).notNull(),
  /** JSON {roleId: target} */
  roles: text('roles').notNull(),
  source: text('source', { enum: ['file', 'portal'] }).notNull(),
  removedAt: integer('removed_at'),
  lastReconcileAt: integer('last_reconcile_at'),
  lastFullAt: integer('last_full_at'),
  lastError: text('last_error'),
  failures: integer('failures').notNull().default(0),
  failingSince: integer('failing_since'),
  nextAttemptAt: integer('next_attempt_at'),
  nextChangeAt: integer('next_change_at'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const connectorGrants = sqliteTable(
  'connector_grants',
  {
    bindingId: text('binding_id')
      .notNull()
      .references(() => connectorBindings.id, { onDelete: 'cascade' }),
    target: text('target').notNull(),
    login: text('login').notNull(),
    userId: text('user_id'),
    state: text('state', { enum: ['granting', 'granted', 'revoking'] }).notNull(),
    grantedAt: integer('granted_at'),
    until: integer('until'),
    lastError: text('last_error'),
  },
  (t) => [primaryKey({ columns: [t.bindingId, t.target, t.login] })],
);

export const connectorDrift = sqliteTable('connector_drift', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  bindingId: text('binding_id')
    .notNull()
    .references(() => connectorBindings.id, { onDelete: 'cascade' }),
  target: text('target').notNull(),
  login: text('login').notNull(),
  firstSeen: integer('first_seen').notNull(),
  lastSeen: integer('last_seen').notNull(),
  resolvedAt: integer('resolved_at'),
  resolution: text('resolution'),
});

export const connectorLeases = sqliteTable('connector_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

export const connectorEvents = sqliteTable('connector_events', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  id: text('id').notNull(),
  type: text('type').notNull(),
  at: integer('at').notNull(),
  /** JSON: the full subject (principal, role, scope, window, request, reasons) */
  subject: text('subject').notNull(),
});

export const webhookDeliveries = sqliteTable('webhook_deliveries', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  connectorId: text('connector_id')
    .notNull()
    .references(() => connectors.id, { onDelete: 'cascade' }),
  eventSeq: integer('event_seq').notNull(),
  eventId: text('event_id').notNull(),
  eventType: text('event_type').notNull(),
  attempt: integer('attempt').notNull(),
  at: integer('at').notNull(),
  statusCode: integer('status_code'),
  error: text('error'),
  durationMs: integer('duration_ms'),
  outcome: text('outcome', { enum: ['delivered', 'failed', 'given-up'] }).notNull(),
  redelivery: integer('redelivery', { mode: 'boolean' }).notNull().default(false),
  actorId: text('actor_id'),
});

export const connectorWatermarks = sqliteTable('connector_watermarks', {
  name: text('name').primaryKey(),
  at: integer('at').notNull(),
});

export type Connector = typeof connectors.$inferSelect;
export type ConnectorBinding = typeof connectorBindings.$inferSelect;
export type ConnectorGrant = typeof connectorGrants.$inferSelect;
export type ConnectorEvent = typeof connectorEvents.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
