import { describe as group, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildPolicyIndex,
  DAY_MS,
  evaluateActivation,
  hasRole,
  indexOps,
  MINUTE_MS,
  type PolicyIndex,
  type ResourceFact,
  type ScheduleFact,
  type TenantSnapshot,
} from './index';
import { generateTenant, prng, randomSettings } from './testing/generate';
import { canonicalIndex } from './testing/canonical';

/**
 * ADR 012: the index follows changes. Whatever sequence of changes is applied fact by fact,
 * the result must be exactly the index a full build of the final tenant gives — the same
 * structures (canonicalIndex) and the same answers.
 */
const NOW = Date.UTC(2026, 10, 27, 9, 0, 0);
const HOUR = 60 * MINUTE_MS;

/** The tenant as mutable maps (insertion order kept), so a snapshot can be cut at any point. */
class Model {
  resources: Map<string, ResourceFact>;
  users;
  groups;
  schedules: Map<string, ScheduleFact>;
  settings;
  requests;
  roles;
  constructor(s: TenantSnapshot) {
    this.resources = new Map(s.resources.map((r) => [r.id, r]));
    this.users = new Map(s.users.map((u) => [u.id, u]));
    this.groups = new Map(s.groups.map((g) => [g.id, g]));
    this.schedules = new Map(s.schedules.map((x) => [x.id, x]));
    this.settings = new Map(s.settings.map((x) => [`${x.scopeId}|${x.roleId}`, x]));
    this.requests = new Map(s.requests.map((r) => [r.id, r]));
    this.roles = s.roles;
  }
  snapshot(): TenantSnapshot {
    return {
      resources: [...this.resources.values()],
      roles: this.roles,
      users: [...this.users.values()],
      groups: [...this.groups.values()],
      schedules: [...this.schedules.values()],
      settings: [...this.settings.values()],
      requests: [...this.requests.values()],
    };
  }
  subtree(id: string): Set<string> {
    const out = new Set([id]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const r of this.resources.values())
        if (r.parentId !== null && out.has(r.parentId) && !out.has(r.id)) {
          out.add(r.id);
          grew = true;
        }
    }
    return out;
  }
}

/** One random change, applied to the model and (fact by fact) to the index. */
function step(m: Model, index: PolicyIndex, rnd: () => number, n: number): void {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const resources = [...m.resources.values()];
  const users = [...m.users.values()];
  const groups = [...m.groups.values()];
  const schedules = [...m.schedules.values()];
  const k = Math.floor(rnd() * 14);
  switch (k) {
    case 0: {
      // a new resource under any resource (or a new root)
      const parent = rnd() < 0.9 ? pick(resources) : undefined;
      const f: ResourceFact = {
        id: `${parent?.id ?? ''}/new${n}`,
        parentId: parent?.id ?? null,
        kind: 'resource',
        name: `new ${n}`,
        managed: rnd() < 0.3,
      };
      m.resources.set(f.id, f);
      return indexOps.putResourceFact(index, f);
    }
    case 1: {
      // a resource moves (never under itself)
      const r = pick(resources);
      const sub = m.subtree(r.id);
      const candidates = resources.filter((x) => !sub.has(x.id));
      if (!candidates.length) return;
      const f = { ...r, parentId: pick(candidates).id };
      m.resources.set(f.id, f);
      return indexOps.putResourceFact(index, f);
    }
    case 2: {
      // PIM switched on or off, or a rename
      const r = pick(resources);
      const f = rnd() < 0.5 ? { ...r, managed: !r.managed } : { ...r, name: `${r.name}!` };
      m.resources.set(f.id, f);
      return indexOps.putResourceFact(index, f);
    }
    case 3: {
      // a leaf with nothing on it goes
      const r = pick(resources);
      if (resources.some((x) => x.parentId === r.id) || schedules.some((s) => s.scopeId === r.id)) return;
      if ([...m.settings.values()].some((s) => s.scopeId === r.id)) return;
      m.resources.delete(r.id);
      return indexOps.removeResource(index, r.id);
    }
    case 4:
    case 5: {
      // a new schedule (active or eligible, user or group, sometimes on an unknown scope)
      const principal =
        rnd() < 0.7 || !groups.length ? { type: 'User' as const, id: pick(users).id } : { type: 'Group' as const, id: pick(groups).id };
      const active = rnd() < 0.6;
      const f: ScheduleFact = {
        id: `s-new-${n}`,
        kind: active ? 'active' : 'eligible',
        principal,
        roleId: pick(m.roles).id,
        scopeId: rnd() < 0.05 ? `/unknown/${n}` : pick(resources).id,
        startAt: NOW - Math.floor(rnd() * 10) * HOUR,
        endAt: rnd() < 0.3 ? null : NOW + Math.floor(rnd() * 48) * HOUR,
        revokedAt: null,
        origin: active ? (rnd() < 0.5 ? 'activated' : 'assigned') : 'assigned',
        linkedEligibilityId: null,
      };
      m.schedules.set(f.id, f);
      return indexOps.putScheduleFact(index, f);
    }
    case 6: {
      // a schedule is revoked, or its window changes
      if (!schedules.length) return;
      const s = pick(schedules);
      const f =
        rnd() < 0.5 ? { ...s, revokedAt: NOW + Math.floor(rnd() * 4) * HOUR } : { ...s, endAt: NOW + Math.floor(rnd() * 96) * HOUR };
      m.schedules.set(f.id, f);
      return indexOps.putScheduleFact(index, f);
    }
    case 7: {
      // a schedule leaves the index (history)
      if (!schedules.length) return;
      const s = pick(schedules);
      m.schedules.delete(s.id);
      return indexOps.removeSchedule(index, s.id);
    }
    case 8: {
      // a user is disabled or enabled, or becomes a PIM admin, or a new user arrives
      if (rnd() < 0.2) {
        const f = { id: `u-new-${n}`, displayName: `New ${n}`, isPimAdmin: false, disabled: false };
        m.users.set(f.id, f);
        return indexOps.putUserFact(index, f);
      }
      const u = pick(users);
      const f = rnd() < 0.5 ? { ...u, disabled: !u.disabled } : { ...u, isPimAdmin: !u.isPimAdmin };
      m.users.set(f.id, f);
      return indexOps.putUserFact(index, f);
    }
    case 9: {
      // group membership changes, or a new group
      if (!groups.length || rnd() < 0.1) {
        const f = { id: `g-new-${n}`, name: `Group ${n}`, memberIds: users.filter(() => rnd() < 0.2).map((u) => u.id) };
        m.groups.set(f.id, f);
        return indexOps.putGroupFact(index, f);
      }
      const g = pick(groups);
      const u = pick(users).id;
      const f = { ...g, memberIds: g.memberIds.includes(u) ? g.memberIds.filter((x) => x !== u) : [...g.memberIds, u] };
      m.groups.set(f.id, f);
      return indexOps.putGroupFact(index, f);
    }
    case 10: {
      // a group goes
      if (!groups.length) return;
      const g = pick(groups);
      m.groups.delete(g.id);
      return indexOps.removeGroup(index, g.id);
    }
    case 11: {
      // settings are set, or removed (back to the defaults)
      const scopeId = rnd() < 0.05 ? `/unknown/${n}` : pick(resources).id;
      const roleId = pick(m.roles).id;
      const key = `${scopeId}|${roleId}`;
      if (m.settings.has(key) && rnd() < 0.5) {
        m.settings.delete(key);
        return indexOps.removeSettings(index, scopeId, roleId);
      }
      const f = { scopeId, roleId, settings: randomSettings(rnd, users, groups) };
      m.settings.set(key, f);
      return indexOps.putSettingsFact(index, f);
    }
    case 12: {
      // a SelfActivate request is submitted
      const e = schedules.filter((s) => s.kind === 'eligible' && s.principal.type === 'User');
      if (!e.length) return;
      const s = pick(e);
      const f = {
        id: `r-new-${n}`,
        kind: 'assignment' as const,
        requestType: 'SelfActivate' as const,
        status: 'PendingApproval' as const,
        requesterId: s.principal.id,
        principal: s.principal,
        roleId: s.roleId,
        scopeId: s.scopeId,
        startAt: NOW,
        endAt: NOW + HOUR,
        createdAt: NOW,
        approvalDeadline: NOW + DAY_MS,
        approvers: [],
        linkedEligibilityId: s.id,
        targetScheduleId: null,
      };
      m.requests.set(f.id, f);
      return indexOps.putRequestFact(index, f);
    }
    case 13: {
      // a request is decided (and leaves the index)
      const rs = [...m.requests.values()];
      if (!rs.length) return;
      const r = pick(rs);
      m.requests.delete(r.id);
      return indexOps.removeRequest(index, r.id);
    }
  }
}

/** The same questions to both indexes give the same answers. */
function sameAnswers(a: PolicyIndex, b: PolicyIndex, m: Model, rnd: () => number): void {
  const snap = m.snapshot();
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  for (let i = 0; i < 200; i++) {
    const principal =
      rnd() < 0.8 || !snap.groups.length
        ? { type: 'User' as const, id: pick(snap.users).id }
        : { type: 'Group' as const, id: pick(snap.groups).id };
    const roleId = pick(snap.roles).id;
    const resourceId = pick(snap.resources).id;
    const at = NOW + Math.floor(rnd() * 72) * HOUR;
    expect(hasRole(a, principal, roleId, resourceId, at)).toBe(hasRole(b, principal, roleId, resourceId, at));
  }
  const eligible = snap.schedules.filter((s) => s.kind === 'eligible');
  for (let i = 0; i < 100 && eligible.length; i++) {
    const e = pick(eligible);
    const userId = e.principal.type === 'User' ? e.principal.id : pick(snap.users).id;
    const input = {
      userId,
      eligibilityId: e.id,
      scopeId: pick(snap.resources).id,
      startAt: NOW,
      durationMinutes: 60,
      justification: 'j',
      mfaVerifiedAt: NOW,
      now: NOW,
    };
    const ra = evaluateActivation(a, input);
    const rb = evaluateActivation(b, input);
    const norm = (r: typeof ra) => (r.ok ? r : { ok: false, violations: [...r.violations].map((v) => JSON.stringify(v)).sort() });
    expect(norm(ra)).toEqual(norm(rb));
  }
}

group('an index that follows changes', () => {
  it('any random sequence of changes, applied one by one, gives exactly the index a full build gives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 120 }), fc.boolean(), (seed, steps, manyGrants) => {
        const snap = generateTenant({ seed, resources: 25, users: 8, groups: 3, schedules: 40, settings: 6, requests: 6, now: NOW });
        snap.requests = snap.requests.filter((r) => r.status === 'PendingApproval');
        const m = new Model(snap);
        // manyGrants: principals' grants keyed by scope from the third grant of a role on
        const opts = manyGrants ? { scanMax: 2 } : {};
        const index = buildPolicyIndex(m.snapshot(), opts);
        const rnd = prng(seed);
        for (let n = 0; n < steps; n++) step(m, index, rnd, n);
        const rebuilt = buildPolicyIndex(m.snapshot(), opts);
        expect(canonicalIndex(index)).toEqual(canonicalIndex(rebuilt));
        sameAnswers(index, rebuilt, m, rnd);
      }),
      { numRuns: 150 },
    );
  });

  it('facts that arrive before their resource count once it arrives, as in a build', () => {
    const m = new Model({
      resources: [],
      roles: [{ id: 'r', name: 'Owner', privileged: true }],
      users: [{ id: 'u', displayName: 'U', isPimAdmin: false, disabled: false }],
      groups: [],
      schedules: [],
      settings: [],
      requests: [],
    });
    const index = buildPolicyIndex(m.snapshot());
    const sched: ScheduleFact = {
      id: 's',
      kind: 'active',
      principal: { type: 'User', id: 'u' },
      roleId: 'r',
      scopeId: '/a/b',
      startAt: NOW,
      endAt: null,
      revokedAt: null,
      origin: 'assigned',
      linkedEligibilityId: null,
    };
    indexOps.putScheduleFact(index, sched);
    m.schedules.set('s', sched);
    const child: ResourceFact = { id: '/a/b', parentId: '/a', kind: 'resourceGroup', name: 'b', managed: false };
    indexOps.putResourceFact(index, child);
    m.resources.set(child.id, child);
    expect(hasRole(index, { type: 'User', id: 'u' }, 'r', '/a/b/c', NOW)).toBe(false);
    const leaf: ResourceFact = { id: '/a/b/c', parentId: '/a/b', kind: 'resource', name: 'c', managed: false };
    const top: ResourceFact = { id: '/a', parentId: null, kind: 'subscription', name: 'a', managed: true };
    indexOps.putResourceFact(index, leaf);
    indexOps.putResourceFact(index, top);
    m.resources.set(leaf.id, leaf).set(top.id, top);
    expect(hasRole(index, { type: 'User', id: 'u' }, 'r', '/a/b/c', NOW)).toBe(true);
    expect(index.resources.get('/a/b/c')!.managed).toBe(true);
    expect(canonicalIndex(index)).toEqual(canonicalIndex(buildPolicyIndex(m.snapshot())));
  });
});
