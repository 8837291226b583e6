import 'server-only';
import crypto from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { apiTokens, users, type ApiToken, type User } from '@/db/schema';
import { ElevateError } from '@/lib/errors';
import { hashToken } from '@/lib/crypto/seal';
import { writeAudit } from '@/lib/audit/write';
import { verifyMfaStepUp } from '@/lib/auth/mfa';
import { requireFreshIdpMfa } from '@/lib/auth/oidc/step-up';
import { config } from '@/lib/config';
import { generateToken, MAX_TOKEN_DAYS, STEP_UP_TOKEN_MS, TOKEN_PATTERN, tokenExpiry } from './format';

type Actor = Pick<User, 'id' | 'displayName'>;

/** What a token list shows: never the hash. */
export type TokenSummary = Omit<ApiToken, 'tokenHash'> & { status: 'Active' | 'Expired' | 'Revoked'; stepUp: boolean };

export interface IssuedToken {
  /** the secret itself: returned once, never stored */
  token: string;
  summary: TokenSummary;
}

function summarise(row: ApiToken, now: number): TokenSummary {
  const { tokenHash: _hash, ...rest } = row;
  const status = row.revokedAt !== null ? 'Revoked' : row.expiresAt <= now ? 'Expired' : 'Active';
  return { ...rest, status, stepUp: row.mfaVerifiedAt !== null };
}

function cleanName(name: string): string {
  const trimmed = name.trim();
  if (trimmed.length < 1 || trimmed.length > 80) {
    throw new ElevateError('InvalidRequest', 'Name the token (1 to 80 characters).', {
      fieldErrors: { name: ['Name the token (1 to 80 characters).'] },
    });
  }
  return trimmed;
}

/**
 * A personal token with a required expiry of 1…365 days, minted only with a fresh TOTP
 * code (ADR 092): a stolen session cookie alone cannot mint a year of API access. The code
 * is verified and burnt (never accepted twice) in the transaction that stores the token;
 * a refused code stores nothing.
 */
export function createApiToken(
  db: Db,
  actor: Actor,
  input: { name: string; expiresInDays: number; mfaCode?: string },
  now: number,
  sessionId: string | null = null,
): IssuedToken {
  const name = cleanName(input.name);
  const days = input.expiresInDays;
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
    const msg = `A token expires after 1 to ${MAX_TOKEN_DAYS} days.`;
    throw new ElevateError('InvalidRequest', msg, { fieldErrors: { expiresInDays: [msg] } });
  }
  return db.transaction(
    (tx) => {
      // no code: this session's fresh MFA from the identity provider stands in for it (ADR 101)
      if (!input.mfaCode && sessionId && config().oidc) requireFreshIdpMfa(tx, actor.id, sessionId, now, config().oidc!.name);
      else verifyMfaStepUp(tx, actor.id, input.mfaCode ?? '', now, null);
      return issue(tx, actor, { name, expiresAt: tokenExpiry(now, days), mfaVerifiedAt: null }, 'API token created', now);
    },
    { behavior: 'immediate' },
  );
}

/** Stores a new token's hash and audits it, inside the caller's transaction; the secret goes back once. */
function issue(
  tx: Tx,
  actor: Actor,
  t: { name: string; expiresAt: number; mfaVerifiedAt: number | null },
  action: string,
  now: number,
): IssuedToken {
  const { token, hash, prefix } = generateToken();
  const row: ApiToken = {
    id: crypto.randomUUID(),
    userId: actor.id,
    tokenHash: hash,
    prefix,
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
    ...t,
  };
  tx.insert(apiTokens).values(row).run();
  writeAudit(tx, {
    at: now,
    actor: { id: actor.id, name: actor.displayName },
    action,
    principal: { type: 'User', id: actor.id, name: actor.displayName },
    details: { tokenId: row.id, name: t.name, prefix, expiresAt: row.expiresAt },
  });
  return { token, summary: summarise(row, now) };
}

/**
 * A short-lived token minted only by a successful TOTP step-up: the code is verified (and
 * burnt, so it cannot be replayed) in the same transaction that stores the token, and the
 * token carries the verification time that MFA-gated activations check for freshness.
 */
export function createStepUpToken(
  db: Db,
  actor: Actor,
  input: { code?: string; name?: string },
  now: number,
  sessionId: string | null = null,
): IssuedToken {
  const name = cleanName(input.name?.trim() || 'MFA step-up');
  return db.transaction(
    (tx) => {
      const verifiedAt =
        !input.code && sessionId && config().oidc
          ? requireFreshIdpMfa(tx, actor.id, sessionId, now, config().oidc!.name)
          : verifyMfaStepUp(tx, actor.id, input.code ?? '', now, null);
      return issue(
        tx,
        actor,
        { name, expiresAt: verifiedAt + STEP_UP_TOKEN_MS, mfaVerifiedAt: verifiedAt },
        'API step-up token created',
        now,
      );
    },
    { behavior: 'immediate' },
  );
}

export function listApiTokens(db: Db, userId: string, now: number): TokenSummary[] {
  return db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt))
    .all()
    .map((r) => summarise(r, now));
}

/** Revokes one of the actor's own tokens; someone else's token is "not found" (no probing). */
export function revokeApiToken(db: Db, actor: Actor, tokenId: string, now: number): TokenSummary {
  return db.transaction(
    (tx) => {
      const row = tx
        .select()
        .from(apiTokens)
        .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, actor.id)))
        .get();
      if (!row) throw new ElevateError('NotFound', 'That token does not exist.');
      if (row.revokedAt !== null) return summarise(row, now);
      tx.update(apiTokens).set({ revokedAt: now }).where(eq(apiTokens.id, row.id)).run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'API token revoked',
        principal: { type: 'User', id: actor.id, name: actor.displayName },
        details: { tokenId: row.id, name: row.name, prefix: row.prefix },
      });
      return summarise({ ...row, revokedAt: now }, now);
    },
    { behavior: 'immediate' },
  );
}

/** last-use is informational; writing it at most once a minute keeps hot scripts from hammering the file */
const LAST_USED_GRANULARITY_MS = 60_000;

export interface TokenIdentity {
  user: User;
  token: TokenSummary;
  /** the MFA proof this token carries (step-up tokens only) */
  mfaVerifiedAt: number | null;
}

/**
 * Who is calling with this bearer token, or null: unknown, expired or revoked tokens, and
 * disabled users or users who have not finished first sign-in, are all refused alike.
 */
export function authenticateToken(db: Db, bearer: string, now: number): TokenIdentity | null {
  if (!TOKEN_PATTERN.test(bearer)) return null;
  const row = db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(bearer)))
    .get();
  if (!row || row.revokedAt !== null || row.expiresAt <= now) return null;
  const user = db.select().from(users).where(eq(users.id, row.userId)).get();
  if (!user || user.disabled || user.mustChangePassword || user.mustEnrolMfa) return null;
  if (row.lastUsedAt === null || now - row.lastUsedAt >= LAST_USED_GRANULARITY_MS) {
    db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
    row.lastUsedAt = now;
  }
  return { user, token: summarise(row, now), mfaVerifiedAt: row.mfaVerifiedAt };
}
