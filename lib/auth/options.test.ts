import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { auditEvents, sessions, users } from '@/db/schema';
import { createRequire } from 'node:module';
import path from 'node:path';

// next-auth reads its own URL from the environment; the portal's public URL is the same
vi.stubEnv('NEXTAUTH_URL', 'http://localhost:3000');

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
beforeEach(() => {
  t = freshDb(Date.now());
  seams.db = t.db;
});
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

/** next-auth's own core, as the route handler drives it: a Web request in, its internal answer out. */
type Internal = {
  status?: number;
  body?: unknown;
  redirect?: string;
  cookies?: { name: string; value: string; options?: { expires?: Date; maxAge?: number } }[];
};
// next-auth's package exports do not expose its core; the route handler calls exactly this
const { AuthHandler } = createRequire(import.meta.url)(path.resolve('node_modules/next-auth/core/index.js')) as {
  AuthHandler: (p: { req: Request; options: unknown }) => Promise<unknown>;
};
const jar = new Map<string, string>();
async function call(
  method: 'GET' | 'POST',
  action: string,
  body?: Record<string, string>,
  cookies: Map<string, string> = jar,
): Promise<Internal> {
  const req = new Request(`http://localhost:3000/api/auth/${action}`, {
    method,
    headers: {
      host: 'localhost:3000',
      'content-type': 'application/json',
      'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
      'x-forwarded-for': '192.0.2.44',
      cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const res = (await AuthHandler({ req, options: authOptions() })) as Internal;
  for (const c of res.cookies ?? []) {
    if (c.value === '' || c.options?.maxAge === 0) cookies.delete(c.name);
    else cookies.set(c.name, c.value);
  }
  return res;
}
const SESSION = '__Secure-next-auth.session-token';

describe('sign-in and sign-out through next-auth (ADR 092)', () => {
  it('signing in writes the session record; signing out (events.signOut gets the token) ends it, and the old cookie is dead everywhere', async () => {
    jar.clear();
    const csrf = ((await call('GET', 'csrf')).body as { csrfToken: string }).csrfToken;
    await call('POST', 'callback/credentials', { csrfToken: csrf, email: 'jen@bluewidget.test', password: 'elevate-demo', json: 'true' });
    const cookie = jar.get(SESSION);
    expect(cookie).toBeTruthy();
    const [rec] = t.db.select().from(sessions).where(eq(sessions.userId, t.ids.jen)).all();
    expect(rec).toMatchObject({ ip: '192.0.2.44', endedAt: null });
    expect(rec.userAgent).toContain('Firefox');

    // next-auth's session endpoint answers while the session is live
    const stolen = new Map(jar); // what an attacker copied before sign-out
    expect(((await call('GET', 'session')).body as { user?: { id?: string } }).user?.id).toBe(t.ids.jen);

    await call('POST', 'signout', { csrfToken: csrf, json: 'true' });
    expect(jar.has(SESSION)).toBe(false);
    expect(t.db.select().from(sessions).where(eq(sessions.id, rec.id)).get()).toMatchObject({
      endReason: 'signed-out',
      endedBy: t.ids.jen,
    });
    expect(t.db.select().from(auditEvents).where(eq(auditEvents.action, 'Signed out')).all()).toHaveLength(1);

    // the copied cookie: next-auth's session endpoint answers nothing and clears it
    const replay = await call('GET', 'session', undefined, stolen);
    expect(replay.body).toEqual({});
    expect(stolen.has(SESSION)).toBe(false);
  });
});
