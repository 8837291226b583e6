import 'server-only';
import QRCode from 'qrcode';
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { getDb } from '@/db';
import type { Db } from '@/db/client';
import { sessionMfa, users, type User } from '@/db/schema';
import { ElevateError } from '@/lib/errors';
import { seal, unseal } from '@/lib/crypto/seal';
import { getEncryptionKey } from '@/lib/crypto/secrets';
import { hashPassword, passwordProblem, verifyPassword } from '@/lib/crypto/password';
import { writeAudit } from '@/lib/audit/write';
import { checkTotp, newTotpSecret, totpUri, TOTP_MESSAGES } from './totp';

export interface EnrolmentOffer {
  /** the new secret, sealed with the instance key: the form carries it back untampered */
  sealed: string;
  manualKey: string;
  qrDataUrl: string;
}

/** A fresh authenticator secret to show as a QR code and manual key. Nothing is stored until a code proves the app has it. */
export async function offerEnrolment(user: Pick<User, 'email'>): Promise<EnrolmentOffer> {
  const secret = newTotpSecret();
  const uri = totpUri(secret, user.email);
  return {
    sealed: seal(JSON.stringify({ secret, email: user.email.toLowerCase() }), getEncryptionKey()),
    manualKey: secret.replace(/(.{4})/g, '$1 ').trim(),
    qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 200 }),
  };
}

export const enrolSchema = z.object({
  sealed: z.string().min(10, 'Start the set-up again.'),
  mfaCode: z
    .string()
    .trim()
    .regex(/^\d{6}$/, TOTP_MESSAGES.format),
});

const ALREADY_ENROLLED = 'You already have an authenticator app. To replace it, ask a PIM administrator to reset your MFA.';

/**
 * Stores the new secret once a code proves the app has it. Only for a user with no
 * authenticator (first sign-in, or after an administrator's MFA reset): replacing an
 * enrolled device here would let a stolen password or session swap in the attacker's
 * app and pass every later MFA step-up.
 */
export function completeEnrolment(
  user: User,
  input: z.infer<typeof enrolSchema>,
  now: number,
  db: Db = getDb(),
  sessionId: string | null = null,
) {
  if (user.totpSecretEnc) throw new ElevateError('AuthorizationFailed', ALREADY_ENROLLED);
  let secret: string;
  try {
    const opened = JSON.parse(unseal(input.sealed, getEncryptionKey())) as { secret: string; email: string };
    if (opened.email !== user.email.toLowerCase()) throw new Error('other user');
    secret = opened.secret;
  } catch {
    throw new ElevateError('InvalidRequest', 'This set-up expired. Start again.');
  }
  const check = checkTotp(secret, input.mfaCode, now, null);
  if (!check.ok)
    throw new ElevateError('InvalidMfaCode', TOTP_MESSAGES[check.reason], { fieldErrors: { mfaCode: [TOTP_MESSAGES[check.reason]] } });
  db.transaction(
    (tx) => {
      // re-checked inside the write: two racing set-ups must not both succeed
      const changed = tx
        .update(users)
        .set({ totpSecretEnc: seal(secret, getEncryptionKey()), totpEnrolledAt: now, totpLastStep: check.step, mustEnrolMfa: false })
        .where(and(eq(users.id, user.id), isNull(users.totpSecretEnc)))
        .run().changes;
      if (changed === 0) throw new ElevateError('AuthorizationFailed', ALREADY_ENROLLED);
      // the code that proved the new authenticator is an MFA moment like any step-up (issue 15):
      // the first activation right after enrolling does not wait for the next code
      if (sessionId) {
        tx.insert(sessionMfa)
          .values({ sessionId, userId: user.id, verifiedAt: now, method: 'enrolment' })
          .onConflictDoUpdate({ target: sessionMfa.sessionId, set: { verifiedAt: now, method: 'enrolment' } })
          .run();
      }
      writeAudit(tx, {
        at: now,
        actor: { id: user.id, name: user.displayName },
        action: 'MFA enrolled',
        principal: { type: 'User', id: user.id, name: user.displayName },
      });
    },
    { behavior: 'immediate' },
  );
}

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password.'),
    newPassword: z.string().superRefine((v, ctx) => {
      const problem = passwordProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
    confirmPassword: z.string(),
  })
  .refine((v) => v.newPassword === v.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords differ.' })
  .refine((v) => v.newPassword !== v.currentPassword, {
    path: ['newPassword'],
    message: 'Choose a password different from the current one.',
  });

/**
 * Changes the user's own password and ends every other session: the session version is
 * bumped, and the caller re-issues this session's cookie with the new version
 * (`reissueSession`). Returns the new session version.
 */
export async function changePassword(
  user: User,
  input: z.infer<typeof changePasswordSchema>,
  now: number,
  db: Db = getDb(),
): Promise<number> {
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new ElevateError('InvalidRequest', 'Check the highlighted fields.', {
      fieldErrors: { currentPassword: ['The current password is not right.'] },
    });
  }
  const passwordHash = await hashPassword(input.newPassword);
  return db.transaction(
    (tx) => {
      const current = tx.select({ sv: users.sessionVersion }).from(users).where(eq(users.id, user.id)).get();
      if (!current) throw new ElevateError('Unauthenticated', 'Sign in again.');
      const sessionVersion = current.sv + 1;
      // a changed password is no longer the published demo password
      tx.update(users).set({ passwordHash, mustChangePassword: false, isDemo: false, sessionVersion }).where(eq(users.id, user.id)).run();
      writeAudit(tx, {
        at: now,
        actor: { id: user.id, name: user.displayName },
        action: 'Password changed',
        principal: { type: 'User', id: user.id, name: user.displayName },
        details: { otherSessionsEnded: true },
      });
      return sessionVersion;
    },
    { behavior: 'immediate' },
  );
}
