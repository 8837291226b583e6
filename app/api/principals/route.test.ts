import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { users, type User } from '@/db/schema';
import { addUsers } from '@/lib/users/test-support';

// the route reads the session and the database through these two seams
const seams = vi.hoisted(() => ({ user: null as User | null, db: null as unknown }));
vi.mock('@/lib/auth/session', () => ({ getCurrentUser: async () => seams.user }));
vi.mock('@/db', () => ({ getDb: () => seams.db }));

const { GET } = await import('./route');

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
  seams.db = t.db;
});
afterEach(() => t.close());
const as = (id: string | null) => {
  seams.user = id ? t.db.select().from(users).where(eq(users.id, id)).get()! : null;
};
const get = async (qs: string) => {
  const res = await GET(new Request(`http://localhost/api/principals?${qs}`));
  return { status: res.status, body: await res.json() };
};

describe('GET /api/principals', () => {
  it('answers a PIM administrator with at most 20 users and groups', async () => {
    addUsers(
      t,
      Array.from({ length: 40 }, (_, i) => `Avery ${i}`),
    );
    as(t.ids.steve);
    const r = await get('q=avery');
    expect(r.status).toBe(200);
    expect(r.body.items).toHaveLength(20);
    expect(r.body.items[0]).toEqual({ value: `User:${t.ids.avery}`, label: 'Avery', detail: 'avery@bluewidget.test' });
  });

  it('refuses the signed-out (401), people who may not pick (403) and bad input (400)', async () => {
    as(null);
    expect((await get('q=a')).status).toBe(401);
    as(t.ids.jen);
    const jen = await get('q=a');
    expect(jen.status).toBe(403);
    expect(jen.body.error.code).toBe('AuthorizationFailed');
    as(t.ids.steve);
    for (const qs of ['q=' + 'x'.repeat(101), 'kind=robots', 'limit=500', 'limit=abc']) {
      const r = await get(qs);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('InvalidRequest');
    }
  });
});
