import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users, type User } from '@/db/schema';
import { DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { seal } from '@/lib/crypto/seal';
import { getEncryptionKey } from '@/lib/crypto/secrets';
import { stepAt, totpCode, TOTP_PERIOD_S } from '@/lib/auth/totp';
import { createApiToken } from './tokens';

const STEP_MS = TOTP_PERIOD_S * 1000;

/**
 * For tests: a TOTP code of `userId` that the server accepts at `at` and that was not used
 * yet — the earliest unused of the steps ±30 s around `at`, so a later step-up at `at`
 * usually still finds one. A user without an authenticator (a generated tenant's) gets
 * the demo secret first.
 */
export function unusedCode(db: Db, userId: string, at: number): string {
  const u = db.select().from(users).where(eq(users.id, userId)).get();
  if (!u) throw new Error(`no user ${userId}`);
  if (!u.totpSecretEnc) {
    db.update(users)
      .set({ totpSecretEnc: seal(DEMO_TOTP_SECRET, getEncryptionKey()), totpEnrolledAt: at, totpLastStep: null })
      .where(eq(users.id, userId))
      .run();
  }
  const step = Math.max(stepAt(at) - 1, (u.totpSecretEnc ? (u.totpLastStep ?? -Infinity) : -Infinity) + 1);
  if (step > stepAt(at) + 1) throw new Error('every code around this time was used already; use a later time');
  return totpCode(DEMO_TOTP_SECRET, step * STEP_MS + 1);
}

/** A personal API token as the Profile page mints it (with a fresh code), for tests that call the API. */
export function mintToken(
  db: Db,
  user: Pick<User, 'id' | 'displayName'>,
  input: { name: string; expiresInDays: number },
  at: number,
): string {
  return createApiToken(db, user, { ...input, mfaCode: unusedCode(db, user.id, at) }, at).token;
}
