import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { groups, users } from './identity';

/**
 * An MFA step-up through the identity provider (db/migrations/0013_oidc.sql): asked for by one
 * session at requestedAt; the provider's answer counts only if its auth_time is after that.
 */
export const idpStepUps = sqliteTable(
  'idp_step_ups',
  {
    id: text('id').primaryKey(),
    sessionId: text('session_id').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    requestedAt: integer('requested_at').notNull(),
    returnTo: text('return_to').notNull(),
    completedAt: integer('completed_at'),
  },
  (t) => [index('idp_step_ups_session').on(t.sessionId)],
);

/** A first single sign-on matching a local account's e-mail, waiting for that account's password or an administrator. */
export const oidcLinkRequests = sqliteTable('oidc_link_requests', {
  /** hash of the one-time token the browser holds */
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  oidcIssuer: text('oidc_issuer').notNull(),
  oidcSub: text('oidc_sub').notNull(),
  /** the ID token's claims (JSON), applied once the link is made */
  claims: text('claims').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

/** Memberships a single sign-on added from the groups claim (0013): only these are taken away when the claim stops naming them. */
export const oidcGroupMemberships = sqliteTable(
  'oidc_group_memberships',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    groupId: text('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    addedAt: integer('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.groupId] })],
);

export type IdpStepUp = typeof idpStepUps.$inferSelect;
export type OidcLinkRequest = typeof oidcLinkRequests.$inferSelect;
