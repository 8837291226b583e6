import crypto from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { hashPassword, verifyPassword } from '@/lib/crypto/password';
import { writeAudit } from '@/lib/audit/write';

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionVersion: number } }
  | { ok: false; code: 'invalid' | 'disabled'; message: string };

/**
 * The one answer to every failed sign-in: an unknown email, a wrong password and a locked
 * account (even with the right password) look the same, so sign-in never tells which
 * accounts exist or are locked (ADR 091). The lock is in the audit ("Account locked"); an
 * administrator's password reset lifts it.
 */
export const SIGN_IN_FAILED = 'Wrong email or password.';
const INVALID = { ok: false, code: 'invalid', message: SIGN_IN_FAILED } as const;
export const PASSWORD_SIGN_IN_OFF = 'Password sign-in is turned off here. Use single sign-on.';

/**
 * An argon2 hash of a random secret made with the same cost as real passwords, for unknown
 * emails: verifying against it costs what verifying a real account's password costs.
 * Started when the module loads so the first sign-in does not pay for making it.
 */
let dummyHash: Promise<string> | undefined;
const dummy = () => (dummyHash ??= hashPassword(crypto.randomBytes(32).toString('base64url')));
void dummy().catch(() => {
  dummyHash = undefined;
});

const isArgon2 = (h: string) => h.startsWith('$argon2');

/**
 * Password sign-in with lockout: after `threshold` consecutive failures the account is
 * locked for `minutes` (and the lock audited). Every path verifies one argon2 hash, so an
 * unknown email, a wrong password and a locked account cost the same time, and all three
 * answer SIGN_IN_FAILED. Only the right password of a disabled account hears that it is
 * disabled: its owner has proved who they are.
 */
export async function checkCredentials(
  db: Db,
  input: { email: string; password: string },
  opts: { now: () => number; threshold: number; minutes: number; passwordSignIn?: boolean },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const user = db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`)
    .get();
  if (!user) {
    await verifyPassword(await dummy(), input.password);
    return INVALID;
  }
  // a stored value that is not an argon2 hash would fail at once: spend the time on the dummy
  const hashed = isArgon2(user.passwordHash);
  const matches = await verifyPassword(hashed ? user.passwordHash : await dummy(), input.password);
  const good = hashed && matches;
  const now = opts.now();
  // locked: refused whatever the password, in the same words, and not counted again
  if (user.lockedUntil && user.lockedUntil > now) return INVALID;
  if (!good) {
    return db.transaction(
      (tx) => {
        const fresh = tx.select({ failed: users.failedSignIns }).from(users).where(eq(users.id, user.id)).get()!;
        const failed = fresh.failed + 1;
        const lock = failed >= opts.threshold ? now + opts.minutes * 60_000 : null;
        tx.update(users)
          .set({ failedSignIns: lock ? 0 : failed, lockedUntil: lock })
          .where(eq(users.id, user.id))
          .run();
        writeAudit(tx, {
          at: now,
          actor: { id: user.id, name: user.displayName },
          action: lock ? 'Account locked' : 'Sign-in failed',
          outcome: 'Failure',
          principal: { type: 'User', id: user.id, name: user.displayName },
          details: { failedAttempts: failed },
        });
        return INVALID;
      },
      { behavior: 'immediate' },
    );
  }
  if (user.disabled) return { ok: false, code: 'disabled', message: 'This account is disabled. Ask an administrator to enable it.' };
  // ELEVATE_PASSWORD_SIGNIN=0 (ADR 100): only break-glass accounts still sign in with a password;
  // said only to someone who knows the password, like "disabled"
  if (opts.passwordSignIn === false && !user.breakGlass) return { ok: false, code: 'invalid', message: PASSWORD_SIGN_IN_OFF };
  db.transaction(
    (tx) => {
      tx.update(users).set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: now }).where(eq(users.id, user.id)).run();
      writeAudit(tx, {
        at: now,
        actor: { id: user.id, name: user.displayName },
        action: 'Signed in',
        principal: { type: 'User', id: user.id, name: user.displayName },
      });
    },
    { behavior: 'immediate' },
  );
  return { ok: true, user: { id: user.id, email: user.email, name: user.displayName, sessionVersion: user.sessionVersion } };
}
