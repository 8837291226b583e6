import 'server-only';
import crypto from 'node:crypto';
import { and, count, desc, eq, gt, inArray, isNull, lt, ne, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { sessionMfa, sessions, users, type SessionEndReason, type SessionRecord, type User } from '@/db/schema';
import { config } from '@/lib/config';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';

/**
 * Server-side sessions (ADR 092). Every sign-in gets a row keyed by the session token's
 * `sid`; the cookie is good only while that row is live: not ended (sign-out, "sign out
 * that device", an administrator, disabling the user), used within the idle timeout and
 * younger than the absolute lifetime. Idle and expiry are derived from the row's times
 * and `now`; only an ending is written.
 */

export interface SessionLimits {
  /** a session not used for this long has ended */
  idleMs: number;
  /** a session this old has ended, however busy */
  maxAgeMs: number;
}

export const sessionLimits = (c: { sessionIdleMinutes: number; sessionHours: number } = config()): SessionLimits => ({
  idleMs: c.sessionIdleMinutes * 60_000,
  maxAgeMs: c.sessionHours * 3_600_000,
});

/** Last-seen is written at most once a minute: a busy person costs one write a minute, not one per request. */
export const LAST_SEEN_GRANULARITY_MS = 60_000;
/** Records dead for this long are deleted when their user next signs in (the longest session lives 30 days). */
export const SESSION_RETENTION_MS = 90 * 86_400_000;

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

type HeaderGetter = (name: string) => string | null | undefined;

/**
 * Where a request came from, as far as the headers say: the last X-Forwarded-For entry
 * (the nearest proxy's view, or the socket address Next records there), and the user
 * agent. Informational only: a client without a proxy in front can write both.
 */
export function clientInfo(get: HeaderGetter): ClientInfo {
  const forwarded = get('x-forwarded-for')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const ip = forwarded?.length ? forwarded[forwarded.length - 1] : get('x-real-ip')?.trim() || null;
  const ua = get('user-agent')?.trim() || null;
  return { ip: ip ? ip.replace(/^::ffff:/, '').slice(0, 64) : null, userAgent: ua ? ua.slice(0, 512) : null };
}

/**
 * Whether a request is the person using Elevate, which keeps the session from going idle:
 * pages, in-app navigation and server actions (all pass proxy.ts, which marks them with
 * `x-elevate-path`), but not Next's link prefetches nor the background polling of the
 * JSON routes under /api (the bell, the approvals count), which a tab left open would
 * otherwise send for ever.
 */
export function countsAsActivity(get: HeaderGetter): boolean {
  if (get('next-router-prefetch')) return false;
  return Boolean(get('x-elevate-path'));
}

export type SessionState = 'live' | 'ended' | 'idle' | 'expired';

export function sessionState(
  s: Pick<SessionRecord, 'endedAt' | 'lastSeenAt' | 'createdAt'>,
  now: number,
  limits: SessionLimits,
): SessionState {
  if (s.endedAt !== null) return 'ended';
  if (now - s.createdAt >= limits.maxAgeMs) return 'expired';
  if (now - s.lastSeenAt >= limits.idleMs) return 'idle';
  return 'live';
}

/** The same test as sessionState's 'live', in SQL. */
const liveSql = (now: number, limits: SessionLimits): SQL =>
  and(isNull(sessions.endedAt), gt(sessions.createdAt, now - limits.maxAgeMs), gt(sessions.lastSeenAt, now - limits.idleMs))!;

/** What a session cookie claims: its sign-in id, its user, the user's session version when it was issued. */
export interface SessionClaim {
  sid?: unknown;
  sub?: unknown;
  sv?: unknown;
}

/**
 * The per-request check: one primary-key read of the session row joined with its user.
 * Null when the cookie names no live session of a current, enabled user (a token from
 * before this table has no row: it is refused). When `touch` is given and last-seen is a
 * minute old or more, last-seen (and the address) is brought up to date.
 */
export function checkSession(
  db: DbOrTx,
  claim: SessionClaim,
  now: number,
  limits: SessionLimits,
  touch: { ip: string | null } | null = null,
): { user: User; session: SessionRecord } | null {
  if (typeof claim.sid !== 'string' || typeof claim.sub !== 'string') return null;
  const row = db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.id, claim.sid))
    .get();
  if (!row || row.user.id !== claim.sub) return null;
  if (row.user.disabled || (claim.sv ?? 1) !== row.user.sessionVersion) return null;
  if (sessionState(row.session, now, limits) !== 'live') return null;
  if (touch && now - row.session.lastSeenAt >= LAST_SEEN_GRANULARITY_MS) {
    const set = { lastSeenAt: now, ...(touch.ip ? { ip: touch.ip } : {}) };
    db.update(sessions)
      .set(set)
      .where(and(eq(sessions.id, row.session.id), isNull(sessions.endedAt), lt(sessions.lastSeenAt, now)))
      .run();
    Object.assign(row.session, set);
  }
  return row;
}

/** A new sign-in's record, audited with where it came from; returns the id the session token carries. */
type AuthMethod = SessionRecord['authMethod'];

export function startSession(
  db: Db,
  user: Pick<User, 'id' | 'displayName'>,
  client: ClientInfo,
  now: number,
  authMethod: AuthMethod = 'password',
): string {
  return db.transaction((tx) => startSessionInTx(tx, user, client, now, authMethod), { behavior: 'immediate' });
}

/** startSession inside the caller's transaction (a single sign-on writes the user, its groups and the session at once). */
export function startSessionInTx(
  tx: Tx,
  user: Pick<User, 'id' | 'displayName'>,
  client: ClientInfo,
  now: number,
  authMethod: AuthMethod = 'password',
): string {
  const id = crypto.randomUUID();
  tx.insert(sessions)
    .values({ id, userId: user.id, createdAt: now, lastSeenAt: now, ip: client.ip, userAgent: client.userAgent, authMethod })
    .run();
  // housekeeping: this user's records that have been dead for months
  const old = tx
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.userId, user.id), lt(sessions.lastSeenAt, now - SESSION_RETENTION_MS)));
  tx.delete(sessionMfa).where(inArray(sessionMfa.sessionId, old)).run();
  tx.delete(sessions)
    .where(and(eq(sessions.userId, user.id), lt(sessions.lastSeenAt, now - SESSION_RETENTION_MS)))
    .run();
  writeAudit(tx, {
    at: now,
    actor: { id: user.id, name: user.displayName },
    action: 'Session started',
    principal: { type: 'User', id: user.id, name: user.displayName },
    details: {
      sessionId: id,
      ip: client.ip,
      device: describeUserAgent(client.userAgent).label,
      ...(authMethod === 'oidc' ? { method: 'single sign-on' } : {}),
    },
  });
  return id;
}

type Actor = Pick<User, 'id' | 'displayName'>;

/** Marks rows ended and forgets their MFA step-ups; the caller audits. */
function markEnded(tx: Tx, ids: string[], now: number, by: string | null, reason: SessionEndReason): void {
  if (ids.length === 0) return;
  tx.update(sessions)
    .set({ endedAt: now, endedBy: by, endReason: reason })
    .where(and(inArray(sessions.id, ids), isNull(sessions.endedAt)))
    .run();
  tx.delete(sessionMfa).where(inArray(sessionMfa.sessionId, ids)).run();
}

/** Ends a set of one user's sessions: every one not ended yet, so none comes back if the idle timeout is raised later. Returns the ones that were live. */
function endWhere(
  tx: Tx,
  userId: string,
  now: number,
  by: string | null,
  reason: SessionEndReason,
  limits: SessionLimits,
  except: string | null,
): SessionRecord[] {
  const open = tx
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), except ? ne(sessions.id, except) : undefined))
    .all();
  markEnded(
    tx,
    open.map((s) => s.id),
    now,
    by,
    reason,
  );
  return open.filter((s) => sessionState(s, now, limits) === 'live');
}

/**
 * Every session of a user ends, inside the caller's transaction (disable, password or
 * MFA reset, an administrator's "End all sessions"). The caller's audit event says why;
 * this returns the ids of the sessions that were live, for its details.
 */
export function endAllSessionsInTx(
  tx: Tx,
  userId: string,
  now: number,
  by: string | null,
  reason: SessionEndReason,
  limits: SessionLimits = sessionLimits(),
): string[] {
  return endWhere(tx, userId, now, by, reason, limits, null).map((s) => s.id);
}

/**
 * next-auth's sign-out (events.signOut receives the decoded token): the session's row
 * ends, audited "Signed out". A cookie of a session that already ended changes nothing.
 */
export function signOutSession(db: Db, claim: SessionClaim, now: number): boolean {
  if (typeof claim.sid !== 'string' || typeof claim.sub !== 'string') return false;
  const { sid, sub } = claim;
  return db.transaction(
    (tx) => {
      const row = tx
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(and(eq(sessions.id, sid), eq(sessions.userId, sub)))
        .get();
      if (!row || row.session.endedAt !== null) return false;
      markEnded(tx, [sid], now, row.user.id, 'signed-out');
      const who = { id: row.user.id, name: row.user.displayName };
      writeAudit(tx, { at: now, actor: who, action: 'Signed out', principal: { type: 'User', ...who }, details: { sessionId: sid } });
      return true;
    },
    { behavior: 'immediate' },
  );
}

/**
 * Profile › Sessions › "Sign out" on one of the actor's own sessions. Someone else's
 * session is "not found" (no probing); one that has ended already says so.
 */
export function endOwnSession(
  db: Db,
  actor: Actor,
  sessionId: string,
  now: number,
  limits: SessionLimits,
): { device: string; alreadyEnded: boolean } {
  return db.transaction(
    (tx) => {
      const row = tx
        .select()
        .from(sessions)
        .where(and(eq(sessions.id, sessionId), eq(sessions.userId, actor.id)))
        .get();
      if (!row) throw new ElevateError('NotFound', 'That session does not exist.');
      const device = describeUserAgent(row.userAgent).label;
      const live = sessionState(row, now, limits) === 'live';
      markEnded(tx, [row.id], now, actor.id, 'ended-by-user');
      // one that time had ended already is only marked, so a longer idle timeout later cannot revive it
      if (!live) return { device, alreadyEnded: true };
      const who = { id: actor.id, name: actor.displayName };
      writeAudit(tx, {
        at: now,
        actor: who,
        action: 'Session ended',
        principal: { type: 'User', ...who },
        details: { sessionId: row.id, device, ip: row.ip, endedBy: actor.displayName },
      });
      return { device, alreadyEnded: false };
    },
    { behavior: 'immediate' },
  );
}

/**
 * Every session of the actor except `keep` (this one) ends: "Sign out all other
 * sessions", and a password change, which keeps only the session that made it.
 */
export function endOtherSessions(
  db: Db,
  actor: Actor,
  keep: string,
  now: number,
  limits: SessionLimits,
  reason: Extract<SessionEndReason, 'ended-by-user' | 'password-changed'> = 'ended-by-user',
): number {
  return db.transaction(
    (tx) => {
      const live = endWhere(tx, actor.id, now, actor.id, reason, limits, keep);
      if (live.length === 0) return 0;
      const who = { id: actor.id, name: actor.displayName };
      writeAudit(tx, {
        at: now,
        actor: who,
        action: 'Session ended',
        principal: { type: 'User', ...who },
        details: {
          sessionIds: live.map((s) => s.id),
          endedBy: actor.displayName,
          reason: reason === 'password-changed' ? 'password changed' : 'all other sessions signed out',
        },
      });
      return live.length;
    },
    { behavior: 'immediate' },
  );
}

export interface SessionSummary {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  ip: string | null;
  userAgent: string | null;
  browser: string;
  os: string;
  /** this session's last MFA step-up */
  mfaAt: number | null;
  /** when it ends if nobody uses it, and when it ends at the latest */
  idleEndsAt: number;
  expiresAt: number;
}

/** A user's live sessions, most recently used first (a person has a handful; the 100 newest are shown). */
export function listSessions(db: DbOrTx, userId: string, now: number, limits: SessionLimits): SessionSummary[] {
  return db
    .select({ s: sessions, mfaAt: sessionMfa.verifiedAt })
    .from(sessions)
    .leftJoin(sessionMfa, eq(sessionMfa.sessionId, sessions.id))
    .where(and(eq(sessions.userId, userId), liveSql(now, limits)))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt))
    .limit(100)
    .all()
    .map(({ s, mfaAt }) => {
      const { browser, os } = describeUserAgent(s.userAgent);
      return {
        id: s.id,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        ip: s.ip,
        userAgent: s.userAgent,
        browser,
        os,
        mfaAt,
        idleEndsAt: s.lastSeenAt + limits.idleMs,
        expiresAt: s.createdAt + limits.maxAgeMs,
      };
    });
}

/** How many live sessions each of these users has (one page of the Users list: one grouped read on the user index). */
export function liveSessionCounts(db: DbOrTx, userIds: string[], now: number, limits: SessionLimits): Map<string, number> {
  if (userIds.length === 0) return new Map();
  const rows = db
    .select({ userId: sessions.userId, n: count() })
    .from(sessions)
    .where(and(inArray(sessions.userId, userIds), liveSql(now, limits)))
    .groupBy(sessions.userId)
    .all();
  return new Map(rows.map((r) => [r.userId, r.n]));
}

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bHeadlessChrome\//, 'Chrome (headless)'],
  [/\bChrome\/|\bCriOS\//, 'Chrome'],
  [/\bChromium\//, 'Chromium'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/\bnode\b|undici|node-fetch/i, 'Node.js'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\bWindows\b/, 'Windows'],
  [/\biPhone\b|\biPad\b|\biPod\b/, 'iOS'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

/** A rough "Firefox on Windows" from a user agent string: enough to tell one's own devices apart. */
export function describeUserAgent(ua: string | null): { browser: string; os: string; label: string } {
  const s = ua ?? '';
  const browser = BROWSERS.find(([re]) => re.test(s))?.[1] ?? 'Unknown browser';
  const os = SYSTEMS.find(([re]) => re.test(s))?.[1] ?? 'unknown system';
  return { browser, os, label: `${browser} on ${os}` };
}
