import crypto from 'node:crypto';
import { hashToken } from '@/lib/crypto/seal';
import { MFA_FRESHNESS_MINUTES, MINUTE_MS, DAY_MS } from '@/lib/policy';

/**
 * Personal API tokens: `elv_` + 32 random bytes in base64url. Only the SHA-256 is kept;
 * the prefix (first characters) is stored so people can tell their tokens apart.
 */
export const TOKEN_PREFIX = 'elv_';
export const TOKEN_PATTERN = /^elv_[A-Za-z0-9_-]{43}$/;
/** Personal tokens must expire: at most a year, so a forgotten token dies on its own. */
export const MAX_TOKEN_DAYS = 365;
export const DEFAULT_TOKEN_DAYS = 30;
/**
 * A step-up token lives exactly as long as the engine trusts an MFA proof: once the proof
 * is stale the token is useless for MFA-gated activations anyway, so it simply expires.
 */
export const STEP_UP_TOKEN_MS = MFA_FRESHNESS_MINUTES * MINUTE_MS;

export function generateToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, 10) };
}

export function tokenExpiry(now: number, days: number): number {
  return now + days * DAY_MS;
}
