import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { resources, tenants } from '@/db/schema';
import { DEMO_TENANT_ID } from '@/db/seed/demo';
import { decodeCursor, type Seek } from '@/lib/portal/keyset';
import { writeAudit } from './write';
import { auditPage, iterateAudit, type AuditFilters } from './query';
import { resolveAuditSearch } from './search';
import { policyIndex } from '@/lib/tenant/engine';

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

/**
 * A generated tree under the tenant root: a management group with three subscriptions of
 * 10 resource groups × 100 resources (3,034 resources). Subscription s0 (1,011 resources)
 * is a large subtree, s0's rg0 (101) a small one; s1 and s2 are their siblings.
 */
function generateTree() {
  const root = t.db.select().from(tenants).where(eq(tenants.id, DEMO_TENANT_ID)).get()!.rootResourceId!;
  const rows: (typeof resources.$inferInsert)[] = [];
  const add = (id: string, kind: 'managementGroup' | 'subscription' | 'resourceGroup' | 'resource', parentId: string) =>
    rows.push({
      id,
      armId: id,
      tenantId: DEMO_TENANT_ID,
      kind,
      type: kind,
      name: id.split('/').pop()!,
      displayName: id.split('/').pop()!,
      parentId,
      managed: true,
      createdAt: t.now,
    });
  add('/gen', 'managementGroup', root);
  for (let s = 0; s < 3; s++) {
    add(`/gen/s${s}`, 'subscription', '/gen');
    for (let g = 0; g < 10; g++) {
      add(`/gen/s${s}/rg${g}`, 'resourceGroup', `/gen/s${s}`);
      for (let r = 0; r < 100; r++) add(`/gen/s${s}/rg${g}/vm${r}`, 'resource', `/gen/s${s}/rg${g}`);
    }
  }
  t.db.transaction((tx) => {
    for (const r of rows) tx.insert(resources).values(r).run();
  });
}

let clock = 0;
/** Events at `scopes`, several per millisecond so ties on `at` are broken by the chain's seq. */
function events(scopes: string[], action = 'Role activated', actor = 'steve' as keyof typeof t.ids) {
  t.db.transaction((tx) => {
    for (const scopeId of scopes) {
      writeAudit(tx, {
        at: t.now + 3_600_000 + Math.floor(clock++ / 3),
        actor: { id: t.ids[actor], name: actor },
        action,
        scopeId,
        principal: { type: 'User', id: t.ids.jen, name: 'Jen' },
      });
    }
  });
}
const vm = (s: number, g: number, r: number) => `/gen/s${s}/rg${g}/vm${r}`;
const spread = (s: number, n: number, offset = 0) => Array.from({ length: n }, (_, i) => vm(s, (i + offset) % 10, (i * 7 + offset) % 100));

/** Every page from the newest on, reading `between()` before each next page; the ids in order shown. */
function readAll(f: AuditFilters, between: (page: number) => void = () => {}) {
  const seen: string[] = [];
  let seek: Seek = {};
  for (let page = 0; page < 1000; page++) {
    const p = auditPage(t.db, f, seek);
    expect(p.rows.length).toBeLessThanOrEqual(50);
    seen.push(...p.rows.map((e) => e.id));
    if (!p.next) break;
    between(page);
    seek = { after: decodeCursor(p.next, ['n', 'n'])! };
  }
  return seen;
}

describe('audit keyset paging', () => {
  it('shows every event exactly once, newest first, while events are written between page reads', () => {
    for (let i = 0; i < 7; i++) events(spread(0, 30, i), i % 2 ? 'Request approved' : 'Role activated');
    const before = auditPage(t.db, {}, {}, 10_000).rows.map((e) => e.id);
    const seen = readAll({}, () => events(spread(1, 5)));
    // the new events are newer than every cursor: they wait on the first page, never shift the rest
    expect(seen).toEqual(before);
    expect(new Set(seen).size).toBe(seen.length);
    const fresh = auditPage(t.db, {}).rows;
    expect(fresh[0].scopeId?.startsWith('/gen/s1/')).toBe(true);
  });

  it('goes back with Previous page to exactly the page before', () => {
    events(spread(0, 130));
    const first = auditPage(t.db, {});
    const second = auditPage(t.db, {}, { after: decodeCursor(first.next, ['n', 'n'])! });
    const back = auditPage(t.db, {}, { before: decodeCursor(second.prev, ['n', 'n'])! });
    expect(back.rows.map((e) => e.id)).toEqual(first.rows.map((e) => e.id));
    expect(second.rows[0].seq).toBeLessThan(first.rows[49].seq);
  });
});

describe('resource audit on a generated tree', () => {
  beforeEach(() => generateTree());

  it('a large subtree: its own and its descendants’ events, never a sibling’s, across pages, also when they are rare', () => {
    events(['/gen/s0', '/gen/s0/rg3', ...spread(0, 120)]);
    // many newer events elsewhere: s0's older events lie beyond the window next to the cursor
    events([...spread(1, 2500), ...spread(2, 100)]);
    events(spread(0, 40, 5));
    const expected = auditPage(t.db, {}, {}, 100_000)
      .rows.filter((e) => e.scopeId === '/gen/s0' || e.scopeId?.startsWith('/gen/s0/'))
      .map((e) => e.id);
    expect(expected).toHaveLength(162);
    const seen = readAll({ scopeId: '/gen/s0' }, () => events([vm(0, 1, 1), vm(1, 1, 1)]));
    expect(seen).toEqual(expected);
    // the export reads the same, all of it
    expect([...iterateAudit(t.db, { scopeId: '/gen/s0' }, 37)].map((e) => e.id).slice(-162)).toEqual(expected);
  });

  it('a small subtree (a resource group) and a single resource', () => {
    events([...spread(0, 300), ...spread(1, 300)]);
    const all = auditPage(t.db, {}, {}, 100_000).rows;
    const rg = readAll({ scopeId: '/gen/s0/rg4' });
    expect(rg).toEqual(all.filter((e) => e.scopeId?.startsWith('/gen/s0/rg4/')).map((e) => e.id));
    expect(rg.length).toBe(30);
    const one = all.find((e) => e.scopeId?.startsWith('/gen/s0/rg4/'))!.scopeId!;
    expect(readAll({ scopeId: one })).toEqual(all.filter((e) => e.scopeId === one).map((e) => e.id));
    // an unknown scope matches nothing rather than everything
    expect(auditPage(t.db, { scopeId: '/gen/nope' }).rows).toEqual([]);
  });

  it('combines a subtree with the other filters', () => {
    events(spread(0, 200), 'Role activated', 'steve');
    events(spread(0, 200, 3), 'Request approved', 'avery');
    events(spread(1, 200), 'Request approved', 'avery');
    const byAvery = readAll({ scopeId: '/gen/s0', actorId: t.ids.avery });
    expect(byAvery).toHaveLength(200);
    const approvedInRg = readAll({ scopeId: '/gen/s0/rg2', actions: ['Request approved'] });
    expect(approvedInRg).toHaveLength(20);
    const both = readAll({ scopeId: '/gen/s0', actions: ['Request approved', 'Role activated'] });
    expect(both).toHaveLength(400);
  });
});

describe('a large subtree with an equality filter reads a bounded window, then probes', () => {
  beforeEach(() => generateTree());

  /** One event; every field chosen by the caller, several per millisecond (ties broken by seq). */
  type Gen = { scopeId: string; actor: 'steve' | 'avery'; principal: 'jen' | 'sam'; role: 'Owner' | 'Reader'; action: string };
  function write(list: Gen[]) {
    t.db.transaction((tx) => {
      for (const e of list) {
        writeAudit(tx, {
          at: t.now + 3_600_000 + Math.floor(clock++ / 2),
          actor: { id: t.ids[e.actor], name: e.actor },
          action: e.action,
          scopeId: e.scopeId,
          principal: { type: 'User', id: t.ids[e.principal], name: e.principal },
          role: { id: e.role, name: e.role },
        });
      }
    });
  }
  const inS0 = (scopeId: string | null) => scopeId === '/gen/s0' || !!scopeId?.startsWith('/gen/s0/');
  /** A small deterministic generator, so a failure reproduces. */
  function rng(seed: number) {
    return () => (seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  }

  /** Every page of `size` from the newest on, then back from the oldest page by `before`; both in newest-first order. */
  function bothWays(f: AuditFilters, size: number, between: () => void = () => {}) {
    const forward: string[] = [];
    const pages: Seek[] = [{}];
    let p = auditPage(t.db, f, {}, size);
    for (;;) {
      forward.push(...p.rows.map((e) => e.id));
      if (!p.next) break;
      between();
      const seek = { after: decodeCursor(p.next, ['n', 'n'])! };
      pages.push(seek);
      p = auditPage(t.db, f, seek, size);
    }
    const backward: string[][] = [p.rows.map((e) => e.id)];
    while (p.prev) {
      p = auditPage(t.db, f, { before: decodeCursor(p.prev, ['n', 'n'])! }, size);
      backward.unshift(p.rows.map((e) => e.id));
    }
    return { forward, backward: backward.flat(), pages: pages.length };
  }

  it('returns what an unbounded read returns, across page boundaries and the window edge, in both directions', () => {
    const next = rng(42);
    const vmIn = (s: number) => vm(s, Math.floor(next() * 10), Math.floor(next() * 100));
    const steve = (scopeId: string, i: number): Gen => ({
      scopeId,
      actor: 'steve',
      principal: i % 3 ? 'jen' : 'sam',
      role: i % 4 ? 'Owner' : 'Reader',
      action: i % 5 ? 'Role activated' : 'Request approved',
    });
    const avery = (scopeId: string, i: number): Gen => ({
      scopeId,
      actor: 'avery',
      principal: i % 2 ? 'jen' : 'sam',
      role: i % 3 ? 'Owner' : 'Reader',
      action: i % 4 ? 'Role activated' : 'Request approved',
    });
    // oldest: Steve's events in s0 now and then among his events elsewhere, beyond any window
    write(Array.from({ length: 700 }, (_, i) => steve(i % 23 === 0 ? (i % 2 ? '/gen/s0' : vmIn(0)) : vmIn(1 + (i % 2)), i)));
    // then 2,300 of Steve's events outside s0, with Avery's in s0 between them (the probe must filter them out)
    write(Array.from({ length: 2_450 }, (_, i) => (i % 16 === 0 ? avery(vmIn(0), i) : steve(vmIn(1 + (i % 2)), i))));
    // newest: Steve in s0 again, among more elsewhere
    write(Array.from({ length: 400 }, (_, i) => (i % 13 === 0 ? steve(vmIn(0), i) : i % 29 === 0 ? avery(vmIn(0), i) : steve(vmIn(2), i))));

    const all = auditPage(t.db, {}, {}, 100_000).rows;
    // each filter, what it keeps, and whether its own events outnumber the window (then pages cross its edge and probe past it)
    const filters: [AuditFilters, (e: (typeof all)[number]) => boolean, boolean][] = [
      [{ actorId: t.ids.steve }, (e) => e.actorId === t.ids.steve, true],
      [{ principalId: t.ids.jen }, (e) => e.principalId === t.ids.jen, true],
      [{ roleId: 'Owner' }, (e) => e.roleId === 'Owner', true],
      [{ actions: ['Role activated'] }, (e) => e.action === 'Role activated', true],
      [{ actorId: t.ids.steve, actions: ['Request approved', 'Role activated'] }, (e) => e.actorId === t.ids.steve, true],
      [{ actorId: t.ids.steve, roleId: 'Reader' }, (e) => e.actorId === t.ids.steve && e.roleId === 'Reader', false],
      [
        { principalId: t.ids.sam, from: all[3000].at, to: all[100].at },
        (e) => e.principalId === t.ids.sam && e.at >= all[3000].at && e.at < all[100].at,
        false,
      ],
    ];
    for (const [f, keep, beyond] of filters) {
      const label = JSON.stringify(f);
      // the unbounded reference: the whole log, filtered here
      const expected = all.filter((e) => inS0(e.scopeId) && keep(e)).map((e) => e.id);
      expect(expected.length, label).toBeGreaterThan(10);
      expect(all.filter(keep).length > 2_000, label).toBe(beyond);
      const scoped = { ...f, scopeId: '/gen/s0' };
      for (const size of [7, 50]) {
        const { forward, backward, pages } = bothWays(scoped, size);
        expect(forward, `${label} by ${size}`).toEqual(expected);
        expect(backward, `${label} back by ${size}`).toEqual(expected);
        expect(pages, label).toBe(Math.ceil(expected.length / size));
      }
      expect(
        [...iterateAudit(t.db, scoped, 13)].map((e) => e.id),
        label,
      ).toEqual(expected);
    }

    // newer events written between page reads never shift the pages already cursored
    const expected = all.filter((e) => inS0(e.scopeId) && e.actorId === t.ids.steve).map((e) => e.id);
    const { forward } = bothWays({ actorId: t.ids.steve, scopeId: '/gen/s0' }, 9, () => write([steve(vmIn(0), 1), steve(vmIn(1), 2)]));
    expect(forward).toEqual(expected);
  });

  it('keeps the event at the window edge, reading forward and backward', () => {
    // 2,001 events about Sam, oldest first: A and E1 in s0, 1,998 elsewhere, E2 in s0. From the newest,
    // the 2,000th is E1; from A backward (newer), the 2,000th is E2: each window ends on an s0 event.
    const aboutSam = (scopeId: string): Gen => ({ scopeId, actor: 'steve', principal: 'sam', role: 'Owner', action: 'Role activated' });
    write([
      aboutSam(vm(0, 1, 1)),
      aboutSam(vm(0, 2, 2)),
      ...Array.from({ length: 1_998 }, (_, i) => aboutSam(vm(1, i % 10, i % 100))),
      aboutSam(vm(0, 3, 3)),
    ]);
    const f = { principalId: t.ids.sam, scopeId: '/gen/s0' };
    const [e2, e1, a] = auditPage(t.db, { principalId: t.ids.sam }, {}, 100_000).rows.filter((e) => inS0(e.scopeId));
    expect([a, e1, e2].map((e) => e.scopeId)).toEqual([vm(0, 1, 1), vm(0, 2, 2), vm(0, 3, 3)]);
    expect(auditPage(t.db, f, {}, 3).rows.map((e) => e.id)).toEqual([e2.id, e1.id, a.id]);
    expect(auditPage(t.db, f, { before: [a.at, a.seq] }, 1).rows.map((e) => e.id)).toEqual([e1.id]);
    expect(auditPage(t.db, f, { after: [e2.at, e2.seq] }, 1).rows.map((e) => e.id)).toEqual([e1.id]);
  });
});

describe('audit filters and their values', () => {
  /** Steve, a tenant PIM administrator, on the tenant audit: the boxes search the directory (people.test.ts) */
  const tenantAdmin = () => ({ userId: t.ids.steve, view: {}, index: policyIndex(t.db), now: t.now });

  it('filters by actor, action, role, principal, dates and "mine", and offers event types from the index', () => {
    for (let i = 0; i < 60; i++)
      writeAudit(t.db, {
        at: t.now + i * 1000,
        actor: { id: t.ids.avery, name: 'Avery' },
        action: i % 2 ? 'Request approved' : 'Role activated',
        principal: { type: 'User', id: t.ids.jen, name: 'Jen' },
        role: { id: 'r1', name: 'Owner' },
        scopeId: '/x',
      });
    writeAudit(t.db, { at: t.now + 70_000, actor: { id: t.ids.sam, name: 'Sam' }, action: 'Signed in' });
    const avery = readAll({ actorId: t.ids.avery });
    expect(avery).toHaveLength(60);
    expect(auditPage(t.db, { actorId: t.ids.avery }).rows[0].at).toBe(t.now + 59_000);
    expect(readAll({ actions: ['Request approved'] }).length).toBeGreaterThanOrEqual(30);
    expect(readAll({ actions: ['Request approved'], actorId: t.ids.avery })).toHaveLength(30);
    expect(readAll({ from: t.now + 50_000, to: t.now + 55_000 })).toHaveLength(5);
    expect(readAll({ roleId: 'r1' })).toHaveLength(60);
    expect(readAll({ principalId: t.ids.jen, actorId: t.ids.avery })).toHaveLength(60);
    // mine: what Sam did, and what others did about Sam (none here)
    const sam = auditPage(t.db, { involving: t.ids.sam }).rows;
    expect(sam.map((e) => e.action)).toContain('Signed in');
    expect(sam.every((e) => e.actorId === t.ids.sam || e.principalId === t.ids.sam)).toBe(true);
    // Jen's audit: the 60 done to her by Avery, each once
    const jen = readAll({ involving: t.ids.jen });
    expect(new Set(jen).size).toBe(jen.length);
    expect(jen.length).toBeGreaterThanOrEqual(60);

    const search = resolveAuditSearch(t.db, { actor: 'avery@bluewidget.test', action: 'approved', principal: 'Je' }, tenantAdmin());
    expect(search.eventTypes).toEqual([...new Set(search.eventTypes)].sort());
    expect(search.eventTypes).toEqual(expect.arrayContaining(['Request approved', 'Role activated', 'Signed in']));
    expect(search.filters).toMatchObject({ actorId: t.ids.avery, principalId: t.ids.jen, actions: ['Request approved'] });
    expect(search.typed).toEqual({ actor: 'avery@bluewidget.test', principal: 'jen@bluewidget.test' });
    // links carry the resolved id, not the typed text
    expect(search.sp).toMatchObject({ actor: t.ids.avery, principal: t.ids.jen });
    expect(search.problems).toEqual([]);
  });

  it('says when a typed actor matches nobody or several, and does not filter by it', () => {
    const none = resolveAuditSearch(t.db, { actor: 'nobody-here', action: 'no such event' }, tenantAdmin());
    expect(none.filters.actorId).toBeUndefined();
    expect(none.filters.actions).toBeUndefined();
    expect(none.problems.join(' ')).toMatch(/No user matches the actor “nobody-here”/);
    expect(none.problems.join(' ')).toMatch(/No event type contains “no such event”/);
    // "s" starts both Steve Admin and Sam
    const many = resolveAuditSearch(t.db, { actor: 's' }, tenantAdmin());
    expect(many.filters.actorId).toBeUndefined();
    expect(many.choices.actor?.map((c) => c.name)).toEqual(expect.arrayContaining(['Steve Admin', 'Sam']));
    expect(many.problems.join(' ')).toMatch(/Several match the actor “s”/);
  });
});
