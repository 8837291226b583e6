import { integer, sqliteTable, text, index, uniqueIndex, primaryKey } from 'drizzle-orm/sqlite-core';
import { resources, roleDefinitions } from './resources';
import { users } from './identity';

/**
 * Explicit role settings (the role management policy) of one (scope, role). Never
 * inherited: a pair without a row uses the engine's DEFAULT_SETTINGS.
 */
export const roleSettings = sqliteTable(
  'role_settings',
  {
    id: text('id').primaryKey(),
    scopeId: text('scope_id')
      .notNull()
      .references(() => resources.id),
    roleId: text('role_id')
      .notNull()
      .references(() => roleDefinitions.id),
    activationMaxMinutes: integer('activation_max_minutes').notNull(),
    activationRequireMfa: integer('activation_require_mfa', { mode: 'boolean' }).notNull(),
    activationRequireJustification: integer('activation_require_justification', { mode: 'boolean' }).notNull(),
    activationRequireTicket: integer('activation_require_ticket', { mode: 'boolean' }).notNull(),
    approvalRequired: integer('approval_required', { mode: 'boolean' }).notNull(),
    approvalTimeoutMinutes: integer('approval_timeout_minutes').notNull(),
    approverJustificationRequired: integer('approver_justification_required', { mode: 'boolean' }).notNull(),
    /** rule 11: approving needs the approver's fresh MFA moment (0010; rows from before got their role's default) */
    approvalRequireMfa: integer('approval_require_mfa', { mode: 'boolean' }).notNull().default(false),
    eligiblePermanentAllowed: integer('eligible_permanent_allowed', { mode: 'boolean' }).notNull(),
    eligibleMaxDays: integer('eligible_max_days').notNull(),
    activePermanentAllowed: integer('active_permanent_allowed', { mode: 'boolean' }).notNull(),
    activeMaxDays: integer('active_max_days').notNull(),
    activeRequireMfa: integer('active_require_mfa', { mode: 'boolean' }).notNull(),
    activeRequireJustification: integer('active_require_justification', { mode: 'boolean' }).notNull(),
    /** JSON NotificationSettings */
    notifications: text('notifications').notNull(),
    updatedAt: integer('updated_at').notNull(),
    updatedBy: text('updated_by').references(() => users.id),
  },
  (t) => [uniqueIndex('role_settings_scope_role').on(t.scopeId, t.roleId), index('role_settings_role').on(t.roleId)],
);

/** Approvers named in a role setting: users or groups. */
export const roleSettingApprovers = sqliteTable(
  'role_setting_approvers',
  {
    settingsId: text('settings_id')
      .notNull()
      .references(() => roleSettings.id, { onDelete: 'cascade' }),
    principalType: text('principal_type', { enum: ['User', 'Group'] }).notNull(),
    principalId: text('principal_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.settingsId, t.principalType, t.principalId] }),
    index('role_setting_approvers_principal').on(t.principalId),
  ],
);

export type RoleSettingsRow = typeof roleSettings.$inferSelect;
