import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Times are UTC epoch milliseconds in integer columns; booleans are 0/1. */

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** id of the tenant root management group */
  rootResourceId: text('root_resource_id'),
  createdAt: integer('created_at').notNull(),
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** argon2id PHC string */
    passwordHash: text('password_hash').notNull(),
    disabled: integer('disabled', { mode: 'boolean' }).notNull().default(false),
    mustChangePassword: integer('must_change_password', { mode: 'boolean' }).notNull().default(false),
    /** accounts created by an administrator enrol an authenticator during first sign-in */
    mustEnrolMfa: integer('must_enrol_mfa', { mode: 'boolean' }).notNull().default(false),
    /** TOTP secret, AES-256-GCM encrypted with the instance key (lib/crypto) */
    totpSecretEnc: text('totp_secret_enc'),
    totpEnrolledAt: integer('totp_enrolled_at'),
    /** the last accepted 30-second step; a code at or before it is refused (no replay) */
    totpLastStep: integer('totp_last_step'),
    failedSignIns: integer('failed_sign_ins').notNull().default(0),
    lockedUntil: integer('locked_until'),
    isPimAdmin: integer('is_pim_admin', { mode: 'boolean' }).notNull().default(false),
    /** demo accounts carry a published password; the portal shows a banner while they exist */
    isDemo: integer('is_demo', { mode: 'boolean' }).notNull().default(false),
    /** bumped on password reset, disable or MFA reset so older sessions stop working */
    sessionVersion: integer('session_version').notNull().default(1),
    lastSignInAt: integer('last_sign_in_at'),
    createdAt: integer('created_at').notNull(),
    createdBy: text('created_by'),
  },
  (t) => [uniqueIndex('users_email_nocase').on(sql`lower(${t.email})`), index('users_tenant').on(t.tenantId)],
);

export const groups = sqliteTable(
  'groups',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull().references(() => tenants.id),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('groups_name_nocase').on(t.tenantId, sql`lower(${t.name})`)],
);

export const groupMembers = sqliteTable(
  'group_members',
  {
    groupId: text('group_id').notNull().references(() => groups.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user').on(t.userId)],
);

export type Tenant = typeof tenants.$inferSelect;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Group = typeof groups.$inferSelect;
export type GroupMember = typeof groupMembers.$inferSelect;

/**
 * MFA step-ups per sign-in session (the session token's id). A step-up makes that one
 * session MFA-verified for a short while (the engine's MFA_FRESHNESS_MINUTES), so a
 * burst of activations asks for one code, and another session of the same user does not
 * inherit it.
 */
export const sessionMfa = sqliteTable(
  'session_mfa',
  {
    sessionId: text('session_id').primaryKey(),
    userId: text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    verifiedAt: integer('verified_at').notNull(),
  },
  (t) => [index('session_mfa_user').on(t.userId)],
);
