import { integer, sqliteTable, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { resources, roleDefinitions } from './resources';
import { users } from './identity';

export const REQUEST_TYPES = [
  'AdminAssign',
  'AdminUpdate',
  'AdminRemove',
  'AdminExtend',
  'AdminRenew',
  'SelfActivate',
  'SelfDeactivate',
  'SelfExtend',
  'SelfRenew',
] as const;
/** TimedOut is stored only once something has observed it; status is always derived from time too. */
export const REQUEST_STATUSES = ['PendingApproval', 'Provisioned', 'Denied', 'Canceled', 'TimedOut', 'Revoked', 'Failed'] as const;

/** Every change is a request: eligibility requests change eligibility schedules, assignment requests active ones. */
export const requests = sqliteTable(
  'requests',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['eligibility', 'assignment'] }).notNull(),
    requestType: text('request_type', { enum: REQUEST_TYPES }).notNull(),
    status: text('status', { enum: REQUEST_STATUSES }).notNull(),
    requesterId: text('requester_id')
      .notNull()
      .references(() => users.id),
    principalType: text('principal_type', { enum: ['User', 'Group'] }).notNull(),
    principalId: text('principal_id').notNull(),
    roleId: text('role_id')
      .notNull()
      .references(() => roleDefinitions.id),
    scopeId: text('scope_id')
      .notNull()
      .references(() => resources.id),
    justification: text('justification'),
    ticketNumber: text('ticket_number'),
    ticketSystem: text('ticket_system'),
    /** requested window; endAt null = permanent (admin requests only) */
    startAt: integer('start_at').notNull(),
    endAt: integer('end_at'),
    durationMinutes: integer('duration_minutes'),
    mfaVerifiedAt: integer('mfa_verified_at'),
    approvalRequired: integer('approval_required', { mode: 'boolean' }).notNull().default(false),
    approvalDeadline: integer('approval_deadline'),
    /** JSON snapshot of the governing settings at submission: later edits change future requests only */
    settingsSnapshot: text('settings_snapshot'),
    linkedEligibilityId: text('linked_eligibility_id'),
    /** the schedule this request created or changes */
    targetScheduleId: text('target_schedule_id'),
    createdAt: integer('created_at').notNull(),
    completedAt: integer('completed_at'),
    canceledAt: integer('canceled_at'),
    canceledBy: text('canceled_by').references(() => users.id),
    failureReason: text('failure_reason'),
    /** groups several requests submitted together (multi-scope activation) */
    batchId: text('batch_id'),
    /** which client made it: portal or api */
    channel: text('channel', { enum: ['portal', 'api'] })
      .notNull()
      .default('portal'),
  },
  (t) => [
    index('requests_status').on(t.status, t.approvalDeadline),
    index('requests_requester').on(t.requesterId, t.createdAt),
    index('requests_principal').on(t.principalId, t.roleId, t.scopeId),
    index('requests_scope').on(t.scopeId),
  ],
);

/** Approvers captured at submission (from the governing settings, or the tenant PIM administrators). */
export const requestApprovers = sqliteTable(
  'request_approvers',
  {
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id, { onDelete: 'cascade' }),
    principalType: text('principal_type', { enum: ['User', 'Group'] }).notNull(),
    principalId: text('principal_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.principalType, t.principalId] }), index('request_approvers_principal').on(t.principalId)],
);

/**
 * A single-stage approval: the unique index on request_id is what makes the first
 * decision settle the request even under concurrent approvers.
 */
export const approvalDecisions = sqliteTable(
  'approval_decisions',
  {
    id: text('id').primaryKey(),
    requestId: text('request_id')
      .notNull()
      .references(() => requests.id),
    approverId: text('approver_id')
      .notNull()
      .references(() => users.id),
    decision: text('decision', { enum: ['Approve', 'Deny'] }).notNull(),
    justification: text('justification'),
    decidedAt: integer('decided_at').notNull(),
  },
  (t) => [uniqueIndex('approval_decisions_request').on(t.requestId), index('approval_decisions_approver').on(t.approverId, t.decidedAt)],
);

export type RequestRow = typeof requests.$inferSelect;
export type NewRequestRow = typeof requests.$inferInsert;
export type ApprovalDecision = typeof approvalDecisions.$inferSelect;
