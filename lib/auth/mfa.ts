import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { users, sessionMfa } from '@/db/schema';
import { ElevateError } from '@/lib/errors';
import { unseal } from '@/lib/crypto/seal';
import { getEncryptionKey } from '@/lib/crypto/secrets';
import { writeAudit } from '@/lib/audit/write';
import { clearStepUpFailures, recordStepUpFailure, stepUpRetryAfter } from '@/lib/tokens/throttle';
import { config } from '@/lib/config';
import { acceptsTotp } from '@/lib/policy/idp-mfa';
import { checkTotp, TOTP_MESSAGES } from './totp';
import { tenantMfaMethod } from './oidc/mfa-method';

/**
 * MFA step-up inside the caller's transaction: verifies the 6-digit code, records its
 * time step so it can never be replayed, marks this session MFA-verified, audits, and
 * returns the verification time. Throws ElevateError with a field error for `mfaCode`.
 * If the caller's transaction rolls back (the activation it guarded was refused), the
 * code was not used for anything and stays unused.
 * Wrong codes are counted outside the transaction (a refused activation rolls back), so
 * every way in (activation form, profile, API) shares one limit and six digits cannot be
 * guessed by brute force.
 */
export function verifyMfaStepUp(tx: DbOrTx, userId: string, code: string, now: number, sessionId: string | null): number {
  const user = tx.select().from(users).where(eq(users.id, userId)).get();
  if (!user) throw new ElevateError('Unauthenticated', 'Sign in again.');
  // Admin › Settings may say the provider's MFA only (ADR 101): a code is then no proof here
  if (!acceptsTotp(tenantMfaMethod(tx, user.tenantId))) {
    const provider = config().oidc?.name ?? 'the identity provider';
    const msg = `This organisation accepts MFA from ${provider} only: use "Verify with ${provider}".`;
    throw new ElevateError('MfaRequired', msg, { fieldErrors: { mfaCode: [msg] } });
  }
  if (!user.totpSecretEnc)
    throw new ElevateError('MfaRequired', TOTP_MESSAGES.notEnrolled, { fieldErrors: { mfaCode: [TOTP_MESSAGES.notEnrolled] } });
  const wait = stepUpRetryAfter(userId, now);
  if (wait > 0) {
    const msg = `Too many wrong codes. Try again in ${Math.ceil(wait / 60_000)} minute(s).`;
    throw new ElevateError('InvalidMfaCode', msg, { fieldErrors: { mfaCode: [msg] } });
  }
  const result = checkTotp(unseal(user.totpSecretEnc, getEncryptionKey()), code.trim(), now, user.totpLastStep);
  if (!result.ok) {
    if (result.reason === 'wrong') recordStepUpFailure(userId, now);
    throw new ElevateError('InvalidMfaCode', TOTP_MESSAGES[result.reason], { fieldErrors: { mfaCode: [TOTP_MESSAGES[result.reason]] } });
  }
  clearStepUpFailures(userId);
  tx.update(users).set({ totpLastStep: result.step }).where(eq(users.id, userId)).run();
  if (sessionId) {
    tx.insert(sessionMfa)
      .values({ sessionId, userId, verifiedAt: now, method: 'totp' })
      .onConflictDoUpdate({ target: sessionMfa.sessionId, set: { verifiedAt: now, method: 'totp' } })
      .run();
  }
  writeAudit(tx, {
    at: now,
    actor: { id: user.id, name: user.displayName },
    action: 'MFA verified',
    principal: { type: 'User', id: user.id, name: user.displayName },
  });
  return now;
}

/** When this session last passed an MFA step-up (null if never); the engine decides whether that is fresh enough. */
export function sessionMfaVerifiedAt(db: DbOrTx, userId: string, sessionId: string | null): number | null {
  if (!sessionId) return null;
  return (
    db
      .select({ at: sessionMfa.verifiedAt })
      .from(sessionMfa)
      .where(and(eq(sessionMfa.sessionId, sessionId), eq(sessionMfa.userId, userId)))
      .get()?.at ?? null
  );
}
