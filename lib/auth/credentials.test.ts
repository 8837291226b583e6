import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users, auditEvents } from '@/db/schema';
import { checkCredentials } from './credentials';

const opts = (now: number) => ({ now: () => now, threshold: 3, minutes: 15 });

describe('password sign-in', () => {
  it('signs in with the right password, case-insensitive email', async () => {
    const t = freshDb();
    const r = await checkCredentials(t.db, { email: 'Jen@BlueWidget.test', password: 'elevate-demo' }, opts(t.now));
    expect(r).toMatchObject({ ok: true, user: { id: t.ids.jen } });
    t.close();
  });

  it('says only "wrong email or password" for unknown emails and wrong passwords', async () => {
    const t = freshDb();
    expect(await checkCredentials(t.db, { email: 'nobody@x.test', password: 'x' }, opts(t.now))).toMatchObject({ ok: false, code: 'invalid', message: 'Wrong email or password.' });
    expect(await checkCredentials(t.db, { email: 'jen@bluewidget.test', password: 'nope' }, opts(t.now))).toMatchObject({ ok: false, code: 'invalid' });
    t.close();
  });

  it('locks after repeated failures, refuses the right password while locked, and unlocks after the lock', async () => {
    const t = freshDb();
    const jen = { email: 'jen@bluewidget.test' };
    await checkCredentials(t.db, { ...jen, password: 'bad1' }, opts(t.now));
    await checkCredentials(t.db, { ...jen, password: 'bad2' }, opts(t.now));
    const third = await checkCredentials(t.db, { ...jen, password: 'bad3' }, opts(t.now));
    expect(third).toMatchObject({ ok: false, code: 'locked' });
    expect((third as { message: string }).message).toContain('Try again in 15 minute(s)');
    expect(await checkCredentials(t.db, { ...jen, password: 'elevate-demo' }, opts(t.now + 60_000))).toMatchObject({ ok: false, code: 'locked' });
    expect(await checkCredentials(t.db, { ...jen, password: 'elevate-demo' }, opts(t.now + 16 * 60_000))).toMatchObject({ ok: true });
    const actions = t.db.select({ action: auditEvents.action }).from(auditEvents).all().map((a) => a.action);
    expect(actions).toContain('Account locked');
    t.close();
  });

  it('refuses a disabled account with its own message', async () => {
    const t = freshDb();
    t.db.update(users).set({ disabled: true }).where(eq(users.id, t.ids.sam)).run();
    expect(await checkCredentials(t.db, { email: 'sam@bluewidget.test', password: 'elevate-demo' }, opts(t.now))).toMatchObject({ ok: false, code: 'disabled' });
    t.close();
  });
});
