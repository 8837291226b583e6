import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';

// the sign-in provider reads the database through this seam
const seams = vi.hoisted(() => ({ db: null as unknown }));
vi.mock('@/db', () => ({ getDb: () => seams.db }));

const { authOptions } = await import('./options');

type Authorize = (raw: Record<string, string>) => Promise<unknown>;
const authorize = () => (authOptions().providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;
/** What next-auth hands the sign-in page: the thrown message, or 'signed in'. */
const attempt = async (email: string, password: string) => {
  try {
    await authorize()({ email, password });
    return 'signed in';
  } catch (e) {
    return (e as Error).message;
  }
};

let t: ReturnType<typeof freshDb>;
beforeEach(() => { t = freshDb(Date.now()); seams.db = t.db; });
afterEach(() => t.close());

describe('the credentials provider (what the sign-in page shows)', () => {
  it('answers an unknown email, a wrong password, the locking failure and a locked account in the very same words', async () => {
    const seen = new Set<string>();
    seen.add(await attempt('nobody@bluewidget.test', 'wrong-password-0'));
    // ELEVATE_LOCKOUT_THRESHOLD defaults to 5: the fifth failure locks Sam
    for (let i = 1; i <= 5; i++) seen.add(await attempt('sam@bluewidget.test', `wrong-password-${i}`));
    expect(t.db.select().from(users).where(eq(users.id, t.ids.sam)).get()!.lockedUntil).toBeGreaterThan(Date.now());
    seen.add(await attempt('sam@bluewidget.test', 'elevate-demo'));
    seen.add(await attempt('nobody@bluewidget.test', 'elevate-demo'));
    expect([...seen]).toEqual(['Wrong email or password.']);
    // an account nobody locked still signs in
    expect(await attempt('jen@bluewidget.test', 'elevate-demo')).toBe('signed in');
  });
});
