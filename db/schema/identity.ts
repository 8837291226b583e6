import { sql } from 'drizzle-orm';
import { integer, sqliteTable, text, primaryKey, index, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Times are UTC epoch milliseconds in integer columns; booleans are 0/1. */

export const MFA_METHODS = ['totp', 'idp', 'either'] as const;
export type MfaMethod = (typeof MFA_METHODS)[number];
/** where a user's or group's identity is managed (0011): created in Elevate, provisioned by SCIM, or by a first single sign-on */
export const IDENTITY_SOURCES = ['local', 'scim', 'oidc'] as const;
export type IdentitySource = (typeof IDENTITY_SOURCES)[number];

export const tenants = sqliteTable('tenants', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** id of the tenant root management group */
  rootResourceId: text('root_resource_id'),
  createdAt: integer('created_at').notNull(),
  /** how activation and approval MFA is satisfied: an authenticator code, the identity provider, or either (0011) */
  mfaMethod: text('mfa_method', { enum: MFA_METHODS }).notNull().default('totp'),
});

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    /** argon2id PHC string; empty for a person with no local password (signs in through the provider) */
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
    source: text('source', { enum: IDENTITY_SOURCES }).notNull().default('local'),
    /** the provider's issuer and subject: a single sign-on is matched by these, never by e-mail alone */
    oidcIssuer: text('oidc_issuer'),
    oidcSub: text('oidc_sub'),
    /** SCIM externalId, and the SCIM attributes kept as sent (JSON) */
    externalId: text('external_id'),
    scimAttributes: text('scim_attributes'),
    /** may sign in with a password even when ELEVATE_PASSWORD_SIGNIN=0 */
    breakGlass: integer('break_glass', { mode: 'boolean' }).notNull().default(false),
    /** SCIM meta.version and meta.lastModified */
    version: integer('version').notNull().default(1),
    updatedAt: integer('updated_at'),
  },
  (t) => [
    uniqueIndex('users_email_nocase').on(sql`lower(${t.email})`),
    index('users_tenant').on(t.tenantId),
    uniqueIndex('users_oidc_subject')
      .on(t.oidcIssuer, t.oidcSub)
      .where(sql`${t.oidcSub} IS NOT NULL`),
    index('users_external_id')
      .on(t.tenantId, t.externalId)
      .where(sql`${t.externalId} IS NOT NULL`),
  ],
);

export const groups = sqliteTable(
  'groups',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: integer('created_at').notNull(),
    source: text('source', { enum: IDENTITY_SOURCES }).notNull().default('local'),
    /** SCIM externalId */
    externalId: text('external_id'),
    /** SCIM meta.version and meta.lastModified */
    version: integer('version').notNull().default(1),
    updatedAt: integer('updated_at'),
  },
  (t) => [
    uniqueIndex('groups_name_nocase').on(t.tenantId, sql`lower(${t.name})`),
    index('groups_external_id')
      .on(t.tenantId, t.externalId)
      .where(sql`${t.externalId} IS NOT NULL`),
  ],
);

export const groupMembers = sqliteTable(
  'group_members',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
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
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    verifiedAt: integer('verified_at').notNull(),
    /** how the MFA was proven: an authenticator code, the code that finished enrolment, or the identity provider (0011) */
    method: text('method', { enum: ['totp', 'enrolment', 'idp'] })
      .notNull()
      .default('totp'),
  },
  (t) => [index('session_mfa_user').on(t.userId)],
);
