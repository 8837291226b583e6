import 'server-only';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { users } from '@/db/schema';
import { unseal } from '@/lib/crypto/seal';
import { getEncryptionKey } from '@/lib/crypto/secrets';
import { totpCode, TOTP_PERIOD_S } from './totp';

/**
 * The demo authenticator's current code for one user, from that user's own sealed secret;
 * null when the user has no authenticator. Callers decide who may see it (the user, only
 * while demo accounts exist).
 */
export function demoCodeFor(db: DbOrTx, userId: string, now: number): { code: string; secondsLeft: number } | null {
  const row = db.select({ enc: users.totpSecretEnc }).from(users).where(eq(users.id, userId)).get();
  if (!row?.enc) return null;
  const secondsLeft = TOTP_PERIOD_S - (Math.floor(now / 1000) % TOTP_PERIOD_S);
  return { code: totpCode(unseal(row.enc, getEncryptionKey()), now), secondsLeft };
}
