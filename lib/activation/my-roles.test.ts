import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import * as s from '@/db/schema';
import {
  activationOptions,
  activationScopeOption,
  descendantNodes,
  nodeOf,
  DAY_MS,
  ROLE_IDS,
  type ResourceFact,
  type ScheduleFact,
} from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { decodeCursor, type Seek } from '@/lib/portal/keyset';
import { addResources, addSchedules, loadGenerated } from '@/lib/resources/test-support';
import {
  myRoles,
  ACTIVE_KEY_SHAPE,
  ELIGIBLE_KEY_SHAPE,
  ROLES_PAGE_SIZE,
  SCOPES_BELOW_CAP,
  type EligibleRow,
  type MyRoles,
} from './my-roles';
import { RG } from './test-support';

// the engine's per-scope evaluations, counted: a page must cost what it shows
vi.mock('@/lib/policy', async (importOriginal) => {
  const mod = await importOriginal<typeof import('@/lib/policy')>();
  return { ...mod, activationScopeOption: vi.fn(mod.activationScopeOption), activationOptions: vi.fn(mod.activationOptions) };
});

let t: ReturnType<typeof freshDb>;
beforeEach(() => {
  t = freshDb();
});
afterEach(() => t.close());

const ROLES = [ROLE_IDS.owner, ROLE_IDS.contributor, ROLE_IDS.reader, ROLE_IDS.userAccessAdministrator];
const ROLE_NAME: Record<string, string> = {
  [ROLE_IDS.owner]: 'Owner',
  [ROLE_IDS.contributor]: 'Contributor',
  [ROLE_IDS.reader]: 'Reader',
  [ROLE_IDS.userAccessAdministrator]: 'User Access Administrator',
};

function group(name: string, members: string[]): string {
  const id = crypto.randomUUID();
  const tenantId = t.db.select({ id: s.tenants.id }).from(s.tenants).get()!.id;
  t.db.insert(s.groups).values({ id, tenantId, name, createdAt: t.now }).run();
  for (const userId of members) t.db.insert(s.groupMembers).values({ groupId: id, userId, addedAt: t.now }).run();
  return id;
}

const schedule = (
  id: string,
  kind: 'eligible' | 'active',
  principal: ScheduleFact['principal'],
  roleId: string,
  scopeId: string,
  extra: Partial<ScheduleFact> = {},
): ScheduleFact => ({
  id,
  kind,
  principal,
  roleId,
  scopeId,
  startAt: t.now - DAY_MS,
  endAt: t.now + 90 * DAY_MS,
  revokedAt: null,
  origin: 'assigned',
  linkedEligibilityId: null,
  ...extra,
});

/**
 * A generated 3,000-resource tenant beside the demo one, and a group of Jen's holding
 * 3,000 live eligibilities (4 roles × 750 scopes: every management group, subscription and
 * resource group, then virtual machines; a management group reaches about a thousand
 * scopes), plus some that must not show (ended, revoked, another group's), some scheduled,
 * one at an unmanaged scope, and 60 active assignments of the group.
 */
function bigGroup() {
  const snap = loadGenerated(t, { resources: 3000, managedRatio: 1 });
  const unmanaged: ResourceFact = {
    id: '/providers/microsoft.management/managementgroups/zz-unmanaged',
    parentId: null,
    kind: 'managementGroup',
    name: 'zz-unmanaged',
    managed: false,
  };
  addResources(t, [unmanaged]);
  const ops = group('Platform Operators', [t.ids.jen]);
  const others = group('Someone Else', [t.ids.sam]);
  const tops = snap.resources.filter((r) => r.parentId !== null && r.kind !== 'resource');
  const vms = snap.resources.filter((r) => r.kind === 'resource');
  const scopes = [...tops, ...vms].slice(0, 750);
  const g = { type: 'Group' as const, id: ops };
  const list: ScheduleFact[] = [];
  scopes.forEach((r, i) =>
    ROLES.forEach((roleId, j) => {
      const n = i * 4 + j;
      // a third start tomorrow: scheduled, still listed
      list.push(schedule(`e-${String(n).padStart(5, '0')}`, 'eligible', g, roleId, r.id, i % 3 === 0 ? { startAt: t.now + DAY_MS } : {}));
    }),
  );
  const live = list.map((x) => x.id);
  for (let i = 0; i < 50; i++)
    list.push(schedule(`ended-${i}`, 'eligible', g, ROLE_IDS.owner, scopes[i].id, { startAt: t.now - 40 * DAY_MS, endAt: t.now - DAY_MS }));
  for (let i = 0; i < 50; i++)
    list.push(schedule(`revoked-${i}`, 'eligible', g, ROLE_IDS.reader, scopes[i].id, { revokedAt: t.now - DAY_MS }));
  for (let i = 0; i < 50; i++) list.push(schedule(`other-${i}`, 'eligible', { type: 'Group', id: others }, ROLE_IDS.owner, scopes[i].id));
  list.push(schedule('e-unmanaged', 'eligible', g, ROLE_IDS.reader, unmanaged.id));
  live.push('e-unmanaged');
  for (let i = 0; i < 60; i++)
    list.push(schedule(`a-${String(i).padStart(3, '0')}`, 'active', g, ROLE_IDS.reader, vms[i].id, { endAt: t.now + (i + 1) * DAY_MS }));
  addSchedules(t, list);
  // Jen's own Owner of the demo subscription is on the tab too
  const direct = t.db
    .select()
    .from(s.eligibilitySchedules)
    .where(sql`${s.eligibilitySchedules.principalId} = ${t.ids.jen}`)
    .all()
    .map((e) => e.id);
  return { live: [...live, ...direct], scopes };
}

const jen = () =>
  t.db
    .select()
    .from(s.users)
    .where(sql`${s.users.id} = ${t.ids.jen}`)
    .get()!;

/** Every page of one tab, forwards, and the pages themselves. */
function pages(tab: 'eligible' | 'active', q = ''): MyRoles[] {
  const out: MyRoles[] = [];
  let seek: Seek = {};
  for (let i = 0; i < 500; i++) {
    const data = myRoles(t.db, jen(), t.now, { [tab]: seek, q });
    out.push(data);
    const next = tab === 'eligible' ? data.eligiblePage.next : data.activePage.next;
    if (!next) return out;
    seek = { after: decodeCursor(next, tab === 'eligible' ? ELIGIBLE_KEY_SHAPE : ACTIVE_KEY_SHAPE)! };
  }
  throw new Error('paging did not end');
}

/** (role name, scope name, id): the scope's own name (a root's crumb says "Tenant") */
const sortKey = (r: EligibleRow) => [
  r.roleName.toLowerCase(),
  nodeOf(policyIndex(t.db), r.scopeId)!.fact.name.toLowerCase(),
  r.eligibilityId,
];
/** a comes strictly before b in the tab's order */
function before(a: string[], b: string[]): boolean {
  const i = a.findIndex((x, k) => x !== b[k]);
  return i >= 0 && a[i] < b[i];
}

describe('My roles at scale: a group with thousands of eligibilities at scopes with large subtrees', () => {
  it("returns one page, evaluating only the page's own scopes, with the subtree counted in SQL", () => {
    const { live } = bigGroup();
    const index = policyIndex(t.db);
    vi.mocked(activationScopeOption).mockClear();
    vi.mocked(activationOptions).mockClear();
    const data = myRoles(t.db, jen(), t.now);
    expect(data.eligible).toHaveLength(ROLES_PAGE_SIZE);
    expect(live.length).toBeGreaterThan(3000);
    expect(data.eligiblePage).toMatchObject({ count: 100, more: true, prev: null });
    expect(data.eligiblePage.next).not.toBeNull();
    // one evaluation per row shown (its own scope), never the subtree; nothing per eligibility not shown
    expect(vi.mocked(activationScopeOption).mock.calls.length).toBe(ROLES_PAGE_SIZE);
    expect(new Set(vi.mocked(activationScopeOption).mock.calls.map((c) => c[2]))).toEqual(
      new Set(data.eligible.map((r) => r.eligibilityId)),
    );
    expect(activationOptions).not.toHaveBeenCalled();
    // first page: Contributor at the management groups first, each with its own outcome and its subtree counted (capped)
    expect(data.eligible[0]).toMatchObject({
      roleName: 'Contributor',
      source: { memberType: 'Group', groupName: 'Platform Operators' },
      canExtend: false,
    });
    for (const r of data.eligible) {
      expect(r.scope).toMatchObject({ id: r.scopeId, inherited: false, outcome: { kind: 'active' } });
      const below = descendantNodes(nodeOf(index, r.scopeId)!, true).length;
      expect(r.scopesBelow).toEqual({ count: Math.min(below, SCOPES_BELOW_CAP), more: below > SCOPES_BELOW_CAP });
    }
    expect(data.eligible.some((r) => r.scopesBelow!.more)).toBe(true);
    expect(data.eligible.filter((r) => r.status === 'Scheduled').length).toBeGreaterThan(0);
    // the Active tab is a page too, soonest end first
    expect(data.active).toHaveLength(ROLES_PAGE_SIZE);
    expect(data.activePage).toMatchObject({ count: 60, more: false });
    expect(data.active.map((r) => r.scheduleId)).toEqual(Array.from({ length: 25 }, (_, i) => `a-${String(i).padStart(3, '0')}`));
    expect(data.active[0]).toMatchObject({ viaGroup: 'Platform Operators', canDeactivate: false, canExtend: false });
  });

  it('paging visits every live eligibility exactly once, in a stable order, and back again', () => {
    const { live } = bigGroup();
    const all = pages('eligible');
    const rows = all.flatMap((d) => d.eligible);
    for (const d of all) expect(d.eligible.length).toBeLessThanOrEqual(ROLES_PAGE_SIZE);
    expect(rows.map((r) => r.eligibilityId).sort()).toEqual([...live].sort());
    expect(new Set(rows.map((r) => r.eligibilityId)).size).toBe(rows.length);
    const keys = rows.map(sortKey);
    for (let i = 1; i < keys.length; i++) expect(before(keys[i - 1], keys[i]), `${keys[i - 1]} < ${keys[i]}`).toBe(true);
    // what cannot be activated where it is (PIM off) is listed without a scope to offer
    expect(rows.find((r) => r.eligibilityId === 'e-unmanaged')).toMatchObject({ scope: null, scopesBelow: null });
    // "Previous page" from the third page gives the second
    const back = myRoles(t.db, jen(), t.now, { eligible: { before: decodeCursor(all[2].eligiblePage.prev, ELIGIBLE_KEY_SHAPE)! } });
    expect(back.eligible.map((r) => r.eligibilityId)).toEqual(all[1].eligible.map((r) => r.eligibilityId));
    // the Active tab likewise: 25 + 25 + 10
    const active = pages('active');
    expect(active.map((d) => d.active.length)).toEqual([25, 25, 10]);
    expect(active.flatMap((d) => d.active.map((r) => r.scheduleId))).toEqual(
      Array.from({ length: 60 }, (_, i) => `a-${String(i).padStart(3, '0')}`),
    );
  });

  it('searches by role or scope name on the server, on every tab', () => {
    const { scopes } = bigGroup();
    const uaa = pages('eligible', 'access ADMIN').flatMap((d) => d.eligible);
    expect(uaa.length).toBe(750);
    expect(uaa.every((r) => r.roleName === 'User Access Administrator')).toBe(true);
    // a scope name: every role there (and any other scope whose name holds the text)
    const sub = scopes.find((r) => r.kind === 'subscription')!;
    const hits = pages('eligible', sub.name.toUpperCase()).flatMap((d) => d.eligible);
    const expected = scopes.filter((r) => r.name.includes(sub.name)).length * 4;
    expect(hits).toHaveLength(expected);
    expect(hits.every((r) => r.crumbs[r.crumbs.length - 1].name.includes(sub.name))).toBe(true);
    expect(
      hits
        .filter((r) => r.scopeId === sub.id)
        .map((r) => r.roleName)
        .sort(),
    ).toEqual(Object.values(ROLE_NAME).sort());
    const none = myRoles(t.db, jen(), t.now, { q: 'no such role or scope' });
    expect(none).toMatchObject({
      eligible: [],
      active: [],
      expired: [],
      eligiblePage: { count: 0, more: false, next: null },
      q: 'no such role or scope',
    });
    // Active: by role name
    expect(myRoles(t.db, jen(), t.now, { q: 'reader' }).activePage.count).toBe(60);
    expect(myRoles(t.db, jen(), t.now, { q: 'owner' }).activePage.count).toBe(0);
    // Expired, in SQL: only what matches
    const ended = (id: string, roleId: string) =>
      addSchedules(t, [
        schedule(id, 'active', { type: 'User', id: t.ids.jen }, roleId, RG('finance-dev'), {
          startAt: t.now - 5 * DAY_MS,
          endAt: t.now - DAY_MS,
        }),
      ]);
    ended('x-reader', ROLE_IDS.reader);
    ended('x-owner', ROLE_IDS.owner);
    expect(
      myRoles(t.db, jen(), t.now)
        .expired.map((r) => r.scheduleId)
        .sort(),
    ).toEqual(['x-owner', 'x-reader']);
    expect(myRoles(t.db, jen(), t.now, { q: 'READ' }).expired.map((r) => r.scheduleId)).toEqual(['x-reader']);
    expect(myRoles(t.db, jen(), t.now, { q: 'finance-DEV' }).expiredPage.count).toBe(2);
    expect(myRoles(t.db, jen(), t.now, { q: '%' }).expired).toEqual([]);
  });
});
