import { integer, sqliteTable, text, index } from 'drizzle-orm/sqlite-core';
import { resources, roleDefinitions } from './resources';
import { users } from './identity';

const scheduleColumns = () => ({
  id: text('id').primaryKey(),
  principalType: text('principal_type', { enum: ['User', 'Group'] }).notNull(),
  principalId: text('principal_id').notNull(),
  roleId: text('role_id')
    .notNull()
    .references(() => roleDefinitions.id),
  scopeId: text('scope_id')
    .notNull()
    .references(() => resources.id),
  startAt: integer('start_at').notNull(),
  /** null = permanent */
  endAt: integer('end_at'),
  createdAt: integer('created_at').notNull(),
  createdBy: text('created_by').references(() => users.id),
  /** the request that created or last changed it */
  requestId: text('request_id'),
  updatedAt: integer('updated_at').notNull(),
  revokedAt: integer('revoked_at'),
  revokedBy: text('revoked_by').references(() => users.id),
});

/** Eligible assignments: the principal may activate the role at the scope or below. */
export const eligibilitySchedules = sqliteTable('eligibility_schedules', scheduleColumns(), (t) => [
  index('eligibility_principal').on(t.principalId),
  index('eligibility_scope').on(t.scopeId),
  index('eligibility_role').on(t.roleId),
]);

/** Active assignments: assigned by an admin, or activated from an eligibility. */
export const assignmentSchedules = sqliteTable(
  'assignment_schedules',
  {
    ...scheduleColumns(),
    origin: text('origin', { enum: ['assigned', 'activated'] }).notNull(),
    linkedEligibilityId: text('linked_eligibility_id').references(() => eligibilitySchedules.id),
  },
  (t) => [
    index('assignment_principal').on(t.principalId),
    index('assignment_scope').on(t.scopeId),
    index('assignment_role').on(t.roleId),
    index('assignment_linked').on(t.linkedEligibilityId),
  ],
);

export type EligibilitySchedule = typeof eligibilitySchedules.$inferSelect;
export type AssignmentSchedule = typeof assignmentSchedules.$inferSelect;
