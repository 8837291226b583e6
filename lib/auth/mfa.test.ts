import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { completeEnrolment, offerEnrolment } from './enrolment';
import { verifyMfaStepUp } from './mfa';
import { totpCode } from './totp';

let t: ReturnType<typeof freshDb>;
afterEach(() => t?.close());

const user = (id: string) => t.db.select().from(users).where(eq(users.id, id)).get()!;

function wrongCode(at: number) {
  const right = totpCode(DEMO_TOTP_SECRET, at);
  const near = new Set([-30_000, 0, 30_000].map((d) => totpCode(DEMO_TOTP_SECRET, at + d)));
  for (let i = 0; ; i++) {
    const c = String((Number(right) + 1 + i) % 1_000_000).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

describe('MFA step-up', () => {
  it('stops accepting codes after five wrong ones, even the right code, and every attempt writes nothing', () => {
    t = freshDb();
    const now = t.now;
    for (let i = 0; i < 5; i++) {
      expect(() => t.db.transaction((tx) => verifyMfaStepUp(tx, t.ids.sam, wrongCode(now), now + i, null))).toThrow(/not right/);
    }
    const right = totpCode(DEMO_TOTP_SECRET, now + 10);
    expect(() => t.db.transaction((tx) => verifyMfaStepUp(tx, t.ids.sam, right, now + 10, null))).toThrow(/Too many wrong codes/);
    expect(user(t.ids.sam).totpLastStep).toBeNull();
    // after the window the right code works again
    const later = now + 5 * 60_000 + 1_000;
    expect(t.db.transaction((tx) => verifyMfaStepUp(tx, t.ids.sam, totpCode(DEMO_TOTP_SECRET, later), later, null))).toBe(later);
  });
});

describe('authenticator enrolment', () => {
  it('cannot replace an existing authenticator (a stolen session must not swap in its own app)', async () => {
    t = freshDb();
    const jen = user(t.ids.jen);
    expect(jen.totpSecretEnc).not.toBeNull();
    const offer = await offerEnrolment(jen);
    const secret = offer.manualKey.replace(/ /g, '');
    expect(() => completeEnrolment(jen, { sealed: offer.sealed, mfaCode: totpCode(secret, t.now) }, t.now, t.db)).toThrow(
      /already have an authenticator/,
    );
    expect(user(t.ids.jen).totpSecretEnc).toBe(jen.totpSecretEnc);
  });

  it('enrols a user who has none (after an MFA reset)', async () => {
    t = freshDb();
    t.db.update(users).set({ totpSecretEnc: null, totpLastStep: null, mustEnrolMfa: true }).where(eq(users.id, t.ids.sam)).run();
    const sam = user(t.ids.sam);
    const offer = await offerEnrolment(sam);
    const secret = offer.manualKey.replace(/ /g, '');
    completeEnrolment(sam, { sealed: offer.sealed, mfaCode: totpCode(secret, t.now) }, t.now, t.db);
    expect(user(t.ids.sam)).toMatchObject({ mustEnrolMfa: false });
    expect(user(t.ids.sam).totpSecretEnc).not.toBeNull();
    // a second set-up racing the first is refused too
    expect(() => completeEnrolment(sam, { sealed: offer.sealed, mfaCode: totpCode(secret, t.now + 30_000) }, t.now + 30_000, t.db)).toThrow(
      /already have an authenticator/,
    );
  });
});
