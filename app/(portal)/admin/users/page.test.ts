import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { policyIndex } from '@/lib/tenant/engine';
import { addGroup, addUsers } from '@/lib/users/test-support';

// the page's seams to the request: the database, the signed-in admin, and the router
const seams = vi.hoisted(() => ({ db: null as unknown, ctx: null as unknown }));
vi.mock('@/db', () => ({ getDb: () => seams.db }));
vi.mock('../_lib/context', async () => {
  const { isTenantPimAdmin } = await import('@/lib/policy');
  type Ctx = { index: Parameters<typeof isTenantPimAdmin>[0]; user: { id: string } };
  return { adminContext: async () => seams.ctx, tenantPimAdmin: (ctx: Ctx) => isTenantPimAdmin(ctx.index, ctx.user.id) };
});
vi.mock('next/navigation', () => ({
  useRouter: () => ({ refresh() {} }),
  forbidden() {
    throw new Error('forbidden');
  },
}));
vi.mock('./actions', () => {
  const a = async () => null;
  return {
    setDisabledAction: a,
    resetPasswordAction: a,
    resetMfaAction: a,
    membershipAction: a,
    createUserAction: a,
    createGroupAction: a,
    endSessionsAction: a,
  };
});

describe('Admin › Users and groups', () => {
  it('shows one page of each list, keeps its weight whatever the tenant, and says when a link is damaged', async () => {
    const t = freshDb();
    seams.db = t.db;
    const ids = addUsers(
      t,
      Array.from({ length: 300 }, (_, i) => `User ${String(i).padStart(3, '0')}`),
    );
    const g = addGroup(t, 'Finance', ids.slice(0, 200));
    seams.ctx = { user: t.db.select().from(users).where(eq(users.id, t.ids.steve)).get(), now: t.now, index: policyIndex(t.db) };
    const { default: UsersPage } = await import('./page');
    const html = renderToStaticMarkup(await UsersPage({ searchParams: Promise.resolve({ group: g, after: 'not-a-cursor', gq: '100%' }) }));
    expect(html).toContain('That page link of users is out of date or damaged; showing the first page.');
    expect(html.match(/<li class="grid/g)).toHaveLength(50); // 50 user rows
    expect(html).toContain('Users (304)');
    expect(html).toContain('Members of Finance');
    expect(html).toContain('role="combobox"'); // adding a member is a search, not a list of everyone
    expect(html).not.toContain('User 299'); // nobody beyond the first page
    expect((html.match(/>Next page</g) ?? []).length).toBe(2); // users and members have more; groups do not
    expect(html).toContain('No group matches “100%”.');
    expect(html.length).toBeLessThan(150_000);
    t.close();
  });
});
