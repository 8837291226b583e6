import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users, auditEvents } from '@/db/schema';
import { checkCredentials, SIGN_IN_FAILED } from './credentials';

const opts = (now: number) => ({ now: () => now, threshold: 3, minutes: 15 });
const failed = { ok: false, code: 'invalid', message: 'Wrong email or password.' };

describe('password sign-in', () => {
  it('signs in with the right password, case-insensitive email', async () => {
    const t = freshDb();
    const r = await checkCredentials(t.db, { email: 'Jen@BlueWidget.test', password: 'elevate-demo' }, opts(t.now));
    expect(r).toMatchObject({ ok: true, user: { id: t.ids.jen } });
    t.close();
  });

  it('says only "wrong email or password" for unknown emails and wrong passwords', async () => {
    const t = freshDb();
    expect(SIGN_IN_FAILED).toBe('Wrong email or password.');
    expect(await checkCredentials(t.db, { email: 'nobody@x.test', password: 'x' }, opts(t.now))).toEqual(failed);
    expect(await checkCredentials(t.db, { email: 'jen@bluewidget.test', password: 'nope' }, opts(t.now))).toEqual(failed);
    t.close();
  });

  it('locks after repeated failures and audits the lock, refuses the right password while locked, and unlocks after the lock', async () => {
    const t = freshDb();
    const jen = { email: 'jen@bluewidget.test' };
    expect(await checkCredentials(t.db, { ...jen, password: 'bad1' }, opts(t.now))).toEqual(failed);
    expect(await checkCredentials(t.db, { ...jen, password: 'bad2' }, opts(t.now))).toEqual(failed);
    // the failure that locks answers as every other failure does
    expect(await checkCredentials(t.db, { ...jen, password: 'bad3' }, opts(t.now))).toEqual(failed);
    const row = t.db.select().from(users).where(eq(users.id, t.ids.jen)).get()!;
    expect(row.lockedUntil).toBe(t.now + 15 * 60_000);
    // locked: even the right password is refused, in the same words
    expect(await checkCredentials(t.db, { ...jen, password: 'elevate-demo' }, opts(t.now + 60_000))).toEqual(failed);
    expect(await checkCredentials(t.db, { ...jen, password: 'wrong' }, opts(t.now + 60_000))).toEqual(failed);
    expect(await checkCredentials(t.db, { ...jen, password: 'elevate-demo' }, opts(t.now + 16 * 60_000))).toMatchObject({ ok: true });
    const actions = t.db
      .select({ action: auditEvents.action })
      .from(auditEvents)
      .all()
      .map((a) => a.action);
    expect(actions.filter((a) => a === 'Account locked')).toHaveLength(1);
    expect(actions.filter((a) => a === 'Sign-in failed')).toHaveLength(2);
    t.close();
  });

  it('an unknown email never answers differently, however often it is tried', async () => {
    const t = freshDb();
    for (let i = 0; i < 5; i++) {
      expect(await checkCredentials(t.db, { email: 'nobody@bluewidget.test', password: `bad${i}` }, opts(t.now))).toEqual(failed);
      expect(await checkCredentials(t.db, { email: 'sam@bluewidget.test', password: `bad${i}` }, opts(t.now))).toEqual(failed);
    }
    // Sam is locked now (threshold 3), and still nothing tells him apart from nobody
    expect(t.db.select().from(users).where(eq(users.id, t.ids.sam)).get()!.lockedUntil).toBeGreaterThan(t.now);
    t.close();
  });

  it('tells a disabled account so only with its right password; a wrong one is an ordinary failure', async () => {
    const t = freshDb();
    t.db.update(users).set({ disabled: true }).where(eq(users.id, t.ids.sam)).run();
    expect(await checkCredentials(t.db, { email: 'sam@bluewidget.test', password: 'elevate-demo' }, opts(t.now))).toMatchObject({
      ok: false,
      code: 'disabled',
    });
    expect(await checkCredentials(t.db, { email: 'sam@bluewidget.test', password: 'nope' }, opts(t.now))).toEqual(failed);
    t.close();
  });

  it('costs the same argon2 work for an unknown email, a wrong password and a locked account', async () => {
    const t = freshDb();
    const jen = { email: 'jen@bluewidget.test' };
    const lockedOpts = { now: () => t.now, threshold: 1000, minutes: 15 };
    t.db
      .update(users)
      .set({ lockedUntil: t.now + 60 * 60_000 })
      .where(eq(users.id, t.ids.avery))
      .run();
    const time = async (email: string) => {
      const started = performance.now();
      const r = await checkCredentials(t.db, { email, password: 'not-the-password' }, lockedOpts);
      expect(r).toEqual(failed);
      return performance.now() - started;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // warm up (the dummy hash is made once), then interleave so load hits every path alike
    await time('nobody@bluewidget.test');
    await time(jen.email);
    const unknown: number[] = [];
    const wrong: number[] = [];
    const locked: number[] = [];
    for (let i = 0; i < 7; i++) {
      unknown.push(await time('nobody@bluewidget.test'));
      wrong.push(await time(jen.email));
      locked.push(await time('avery@bluewidget.test'));
    }
    const [u, w, l] = [median(unknown), median(wrong), median(locked)];
    // each path runs one argon2 verification (tens of milliseconds), so the ratios sit near 1;
    // a path that skipped it (a locked account did) answers in well under a millisecond
    expect(u / w).toBeGreaterThan(0.4);
    expect(u / w).toBeLessThan(2.5);
    expect(l / w).toBeGreaterThan(0.4);
    expect(l / w).toBeLessThan(2.5);
    t.close();
  }, 60_000);
});
