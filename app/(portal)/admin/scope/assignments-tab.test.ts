import crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { renderToStaticMarkup } from 'react-dom/server';
import { freshDb } from '@/tests/support/db';
import { users } from '@/db/schema';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import { policyIndex } from '@/lib/tenant/engine';
import { addUsers } from '@/lib/users/test-support';

// the page's seams to the request: the database, the session and the router
const seams = vi.hoisted(() => ({ db: null as unknown, ctx: null as unknown }));
vi.mock('@/db', () => ({ getDb: () => seams.db }));
vi.mock('@/lib/auth/session', () => ({ getSession: async () => null, requireUser: async () => null, getCurrentUser: async () => null }));
vi.mock('next/navigation', () => ({
  useRouter: () => ({ refresh() {} }),
  forbidden() {
    throw new Error('forbidden');
  },
}));
vi.mock('./actions', () => ({ adminAssignmentAction: async () => null, saveSettingsAction: async () => null }));

const OWNER = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

describe('Admin › scope › Assignments', () => {
  it('lists 25 assignments a page with working Next / Previous links, and sends row buttons without their dialogs', async () => {
    const t = freshDb();
    seams.db = t.db;
    const sub = DEMO_SUBSCRIPTION.toLowerCase();
    const ids = addUsers(
      t,
      Array.from({ length: 30 }, (_, i) => `Requester ${String(i).padStart(2, '0')}`),
    );
    const insert = t.sqlite
      .prepare(`INSERT INTO eligibility_schedules (id, principal_type, principal_id, role_id, scope_id, start_at, end_at, created_at, updated_at)
      VALUES (?, 'User', ?, ?, ?, ?, ?, ?, ?)`);
    // newest first: Requester 29 is on the first page, Requester 00 on the second
    ids.forEach((u, i) => insert.run(crypto.randomUUID(), u, OWNER, sub, t.now - 1000 * (60 - i), t.now + 30 * 86_400_000, t.now, t.now));
    seams.ctx = { user: t.db.select().from(users).where(eq(users.id, t.ids.steve)).get(), now: t.now, index: policyIndex(t.db) };
    const { AssignmentsTab } = await import('./assignments-tab');
    // the tab is an async component of its own: rendered as the page renders it
    const render = async (sp: Record<string, string>) =>
      renderToStaticMarkup(await AssignmentsTab({ ctx: seams.ctx as never, scopeId: sub, sp }));

    const first = await render({ id: sub, role: OWNER });
    const rows = (html: string) => html.match(/<li class="grid gap-2 py-3/g)?.length ?? 0;
    expect(rows(first)).toBe(25);
    expect(first).toContain('Requester 29');
    expect(first).not.toContain('Requester 00');
    // each row's Update and Remove are buttons; their dialogs mount in the browser
    expect(first).not.toContain('<dialog');
    expect((first.match(/>Update</g) ?? []).length).toBeGreaterThanOrEqual(25);
    expect(first).not.toContain('Previous page');
    const next = /href="([^"]*&amp;after=[^"]*)"[^>]*>Next page</.exec(first)?.[1];
    expect(next).toBeTruthy();
    expect(first.length).toBeLessThan(120_000);

    const q = Object.fromEntries(new URL(next!.replaceAll('&amp;', '&'), 'http://x').searchParams);
    const second = await render(q);
    expect(second).toContain('Requester 00');
    expect(second).not.toContain('Requester 29');
    expect(second).toContain('Previous page');
    expect(second).not.toMatch(/>Next page</);
    t.close();
  });
});
