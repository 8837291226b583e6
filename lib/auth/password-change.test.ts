import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { isElevateError } from '@/lib/errors';
import { verifyPassword } from '@/lib/crypto/password';
import { changePassword } from './enrolment';

const NEW = 'a-much-longer-passphrase';

describe('changing your own password', () => {
  it('sets the new password and ends every other session (the session version moves on)', async () => {
    const t = freshDb();
    const jen = t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()!;
    const version = await changePassword(jen, { currentPassword: 'elevate-demo', newPassword: NEW, confirmPassword: NEW }, t.now, t.db);
    const after = t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()!;
    expect(version).toBe(jen.sessionVersion + 1);
    expect(after.sessionVersion).toBe(version);
    expect(await verifyPassword(after.passwordHash, NEW)).toBe(true);
    expect(after.isDemo).toBe(false);
    t.close();
  });

  it('refuses a wrong current password on that field and changes nothing', async () => {
    const t = freshDb();
    const jen = t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()!;
    const err = await changePassword(jen, { currentPassword: 'not-it', newPassword: NEW, confirmPassword: NEW }, t.now, t.db).catch(
      (e) => e,
    );
    expect(isElevateError(err) && err.fieldErrors?.currentPassword).toEqual(['The current password is not right.']);
    const after = t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()!;
    expect(after.passwordHash).toBe(jen.passwordHash);
    expect(after.sessionVersion).toBe(jen.sessionVersion);
    t.close();
  });
});
