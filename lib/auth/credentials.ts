import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { verifyPassword } from '@/lib/crypto/password';
import { writeAudit } from '@/lib/audit/write';

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionVersion: number } }
  | { ok: false; code: 'invalid' | 'locked' | 'disabled'; message: string };

const INVALID = { ok: false, code: 'invalid', message: 'Wrong email or password.' } as const;

/**
 * Password sign-in with lockout: after `threshold` consecutive failures the account is
 * locked for `minutes`. A wrong password for an unknown email costs the same hash work so
 * timing does not reveal which emails exist.
 */
export async function checkCredentials(
  db: Db,
  input: { email: string; password: string },
  opts: { now: () => number; threshold: number; minutes: number },
): Promise<SignInResult> {
  const email = input.email.trim().toLowerCase();
  const user = db.select().from(users).where(sql`lower(${users.email}) = ${email}`).get();
  if (!user) {
    await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$YbQ0K1Q2b6o8Yx3Xw2c8l8m9gq3yJ0WcN1Yp3i3mT0o', input.password);
    return INVALID;
  }
  const locked = (until: number) => ({
    ok: false as const,
    code: 'locked' as const,
    message: `This account is locked after too many failed sign-ins. Try again in ${Math.max(1, Math.ceil((until - opts.now()) / 60_000))} minute(s), or ask an administrator to reset it.`,
  });
  if (user.lockedUntil && user.lockedUntil > opts.now()) return locked(user.lockedUntil);
  if (user.disabled) return { ok: false, code: 'disabled', message: 'This account is disabled. Ask an administrator to enable it.' };

  const good = await verifyPassword(user.passwordHash, input.password);
  const now = opts.now();
  if (!good) {
    return db.transaction(
      (tx) => {
        const fresh = tx.select({ failed: users.failedSignIns }).from(users).where(eq(users.id, user.id)).get()!;
        const failed = fresh.failed + 1;
        const lock = failed >= opts.threshold ? now + opts.minutes * 60_000 : null;
        tx.update(users).set({ failedSignIns: lock ? 0 : failed, lockedUntil: lock }).where(eq(users.id, user.id)).run();
        writeAudit(tx, {
          at: now, actor: { id: user.id, name: user.displayName }, action: lock ? 'Account locked' : 'Sign-in failed', outcome: 'Failure',
          principal: { type: 'User', id: user.id, name: user.displayName }, details: { failedAttempts: failed },
        });
        return lock ? locked(lock) : INVALID;
      },
      { behavior: 'immediate' },
    );
  }
  db.transaction(
    (tx) => {
      tx.update(users).set({ failedSignIns: 0, lockedUntil: null, lastSignInAt: now }).where(eq(users.id, user.id)).run();
      writeAudit(tx, { at: now, actor: { id: user.id, name: user.displayName }, action: 'Signed in', principal: { type: 'User', id: user.id, name: user.displayName } });
    },
    { behavior: 'immediate' },
  );
  return { ok: true, user: { id: user.id, email: user.email, name: user.displayName, sessionVersion: user.sessionVersion } };
}
