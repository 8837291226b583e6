import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { users } from './identity';

/** Why a session record ended; null while it is live (idle and expiry are derived from time, never written). */
export const SESSION_END_REASONS = [
  'signed-out',
  'ended-by-user',
  'ended-by-admin',
  'user-disabled',
  'password-changed',
  'password-reset',
  'mfa-reset',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/**
 * One row per sign-in (ADR 092), keyed by the session token's `sid`. The session cookie is
 * only good while its row is live: not ended, seen within the idle timeout and younger
 * than the absolute lifetime. Created by db/migrations/0009_sessions.sql. The MFA time of
 * a session is its `session_mfa` row (same id).
 */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    /** written at most once a minute, and only for requests the person made (not background polling) */
    lastSeenAt: integer('last_seen_at').notNull(),
    /** the address the last counted request came from (informational: a client can forge X-Forwarded-For) */
    ip: text('ip'),
    userAgent: text('user_agent'),
    endedAt: integer('ended_at'),
    /** who ended it: the user, or the administrator who ended or disabled them */
    endedBy: text('ended_by').references(() => users.id, { onDelete: 'set null' }),
    endReason: text('end_reason', { enum: SESSION_END_REASONS }),
    /** how the session signed in (0011) */
    authMethod: text('auth_method', { enum: ['password', 'oidc'] })
      .notNull()
      .default('password'),
  },
  (t) => [index('sessions_user').on(t.userId, t.endedAt)],
);

export type SessionRecord = typeof sessions.$inferSelect;
