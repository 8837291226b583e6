import 'server-only';
import crypto from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db, DbOrTx } from '@/db/client';
import { ElevateError } from '@/lib/errors';
import { idpStepUps, sessionMfa, users } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { acceptIdpStepUp, IDP_STEP_UP_TTL_MS, type IdpStepUpClaims, type IdpStepUpRefusal } from '@/lib/policy/idp-mfa';

/**
 * MFA from the identity provider (ADR 101). Elevate records when it asked, sends the person
 * to the provider with prompt=login and max_age=0, and on the way back accepts the answer for
 * the session that asked only if the provider authenticated the same person after the request
 * with an MFA method (lib/policy/idp-mfa.ts). The session itself is kept: only its MFA time moves.
 */
export function beginIdpStepUp(db: Db, userId: string, sessionId: string, returnTo: string, now: number): string {
  const id = crypto.randomUUID();
  db.transaction(
    (tx) => {
      // one pending step-up per session: a second click replaces the first
      tx.delete(idpStepUps)
        .where(and(eq(idpStepUps.sessionId, sessionId), isNull(idpStepUps.completedAt)))
        .run();
      tx.insert(idpStepUps).values({ id, sessionId, userId, requestedAt: now, returnTo }).run();
    },
    { behavior: 'immediate' },
  );
  return id;
}

/** The session's step-up that waits for the provider's answer, if any (not finished, not stale). */
export function pendingIdpStepUp(db: Db, sessionId: string, now: number) {
  const row = db
    .select()
    .from(idpStepUps)
    .where(and(eq(idpStepUps.sessionId, sessionId), isNull(idpStepUps.completedAt)))
    .orderBy(desc(idpStepUps.requestedAt))
    .limit(1)
    .get();
  return row && now - row.requestedAt <= IDP_STEP_UP_TTL_MS ? row : null;
}

export type IdpStepUpOutcome = { ok: true; returnTo: string } | { ok: false; returnTo: string; reason: IdpStepUpRefusal; message: string };

/**
 * The provider's answer to a pending step-up of this session: on success the session's MFA
 * time is now (method 'idp'), audited "MFA verified" like a TOTP code; a refusal is audited
 * with its reason and changes nothing else.
 */
export function completeIdpStepUp(
  db: Db,
  input: { sessionId: string; userId: string; claims: IdpStepUpClaims; now: number; providerName: string; mfaAcr?: string },
): IdpStepUpOutcome {
  const { now } = input;
  return db.transaction(
    (tx): IdpStepUpOutcome => {
      const user = tx.select().from(users).where(eq(users.id, input.userId)).get();
      const row = tx
        .select()
        .from(idpStepUps)
        .where(and(eq(idpStepUps.sessionId, input.sessionId), eq(idpStepUps.userId, input.userId), isNull(idpStepUps.completedAt)))
        .orderBy(desc(idpStepUps.requestedAt))
        .limit(1)
        .get();
      if (!user || !row)
        return {
          ok: false,
          returnTo: '/',
          reason: 'none',
          message: 'There was no verification waiting for this session. Start again from the form.',
        };
      tx.update(idpStepUps).set({ completedAt: now }).where(eq(idpStepUps.id, row.id)).run();
      const verdict = acceptIdpStepUp(input.claims, {
        requestedAt: row.requestedAt,
        now,
        expectedSub: user.oidcSub ?? '',
        providerName: input.providerName,
        mfaAcr: input.mfaAcr,
      });
      const whoAmI = { id: user.id, name: user.displayName };
      if (!verdict.ok) {
        writeAudit(tx, {
          at: now,
          actor: whoAmI,
          action: 'MFA verification refused',
          outcome: 'Failure',
          principal: { type: 'User', ...whoAmI },
          details: { method: 'identity provider', reason: verdict.reason, sessionId: input.sessionId },
        });
        return { ok: false, returnTo: row.returnTo, reason: verdict.reason, message: verdict.message };
      }
      tx.insert(sessionMfa)
        .values({ sessionId: input.sessionId, userId: user.id, verifiedAt: now, method: 'idp' })
        .onConflictDoUpdate({ target: sessionMfa.sessionId, set: { verifiedAt: now, method: 'idp' } })
        .run();
      writeAudit(tx, {
        at: now,
        actor: whoAmI,
        action: 'MFA verified',
        principal: { type: 'User', ...whoAmI },
        details: { method: 'identity provider', evidence: verdict.method, sessionId: input.sessionId },
      });
      return { ok: true, returnTo: row.returnTo };
    },
    { behavior: 'immediate' },
  );
}

/** How recent a provider verification must be to mint an API token without a code: the moment, not the activation window. */
export const IDP_TOKEN_MFA_MS = 5 * 60_000;

/**
 * An API token minted without a code (ADR 101): only with this session's MFA from the
 * provider, verified in the last five minutes, so a stolen cookie alone still mints nothing.
 */
export function requireFreshIdpMfa(db: DbOrTx, userId: string, sessionId: string | null, now: number, providerName: string): number {
  const row = sessionId
    ? db
        .select()
        .from(sessionMfa)
        .where(and(eq(sessionMfa.sessionId, sessionId), eq(sessionMfa.userId, userId)))
        .get()
    : undefined;
  if (!row || row.method !== 'idp' || now - row.verifiedAt > IDP_TOKEN_MFA_MS) {
    const msg = `Verify with ${providerName} first (within 5 minutes of creating the token), or enter an authenticator code.`;
    throw new ElevateError('MfaRequired', msg, { fieldErrors: { mfaCode: [msg] } });
  }
  return row.verifiedAt;
}
