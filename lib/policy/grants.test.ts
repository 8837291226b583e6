import { describe as group, expect, it } from 'vitest';
import {
  buildPolicyIndex,
  DAY_MS,
  evaluateActivation,
  hasRole,
  isAncestorOrSelf,
  MINUTE_MS,
  ROLE_IDS,
  type ActivationInput,
  type PrincipalRef,
  type ResourceFact,
  type ScheduleFact,
  type TenantSnapshot,
} from './index';
import { generateTenant, prng } from './testing/generate';
import { referenceEvaluateActivation, referenceHasRole } from './testing/reference';

/**
 * The principal-centric index (grants.ts, ADR 011) must answer exactly as the
 * resource-centric walk it replaced (testing/reference.ts): same booleans, and for
 * evaluateActivation deep-equal results, violation order included.
 */
const NOW = Date.UTC(2025, 0, 15, 9, 0);
const HOUR = 60 * MINUTE_MS;
const R = ROLE_IDS.owner;

function tiny(edit: (s: TenantSnapshot) => void): TenantSnapshot {
  const res = (id: string, parentId: string | null, managed = true): ResourceFact => ({
    id,
    parentId,
    kind: 'resourceGroup',
    name: id,
    managed,
  });
  const s: TenantSnapshot = {
    resources: [res('/a', null), res('/a/b', '/a'), res('/a/b/c', '/a/b'), res('/a/d', '/a'), res('/x', null, false)],
    roles: [
      { id: R, name: 'Owner', privileged: true },
      { id: ROLE_IDS.reader, name: 'Reader', privileged: false },
    ],
    users: [
      { id: 'u1', displayName: 'U1', isPimAdmin: true, disabled: false },
      { id: 'u2', displayName: 'U2', isPimAdmin: false, disabled: false },
      { id: 'off', displayName: 'Off', isPimAdmin: false, disabled: true },
    ],
    groups: [{ id: 'g1', name: 'G1', memberIds: ['u2', 'off', 'ghost'] }],
    schedules: [],
    settings: [],
    requests: [],
  };
  edit(s);
  return s;
}
const sched = (id: string, p: PrincipalRef, scopeId: string, o: Partial<ScheduleFact> = {}): ScheduleFact => ({
  id,
  kind: 'active',
  principal: p,
  roleId: R,
  scopeId,
  startAt: NOW - DAY_MS,
  endAt: NOW + DAY_MS,
  revokedAt: null,
  origin: 'assigned',
  linkedEligibilityId: null,
  ...o,
});
const user = (id: string): PrincipalRef => ({ type: 'User', id });
const grp = (id: string): PrincipalRef => ({ type: 'Group', id });

group('principal-centric grants', () => {
  it('window boundaries: start inclusive, end and revocation exclusive, null = open', () => {
    const idx = buildPolicyIndex(
      tiny((s) =>
        s.schedules.push(
          sched('s1', user('u1'), '/a/b', { startAt: NOW, endAt: NOW + HOUR }),
          sched('s2', user('u2'), '/a/b', { startAt: NOW, endAt: null, revokedAt: NOW + HOUR }),
          sched('s3', user('u2'), '/a/d', { startAt: NOW, endAt: null, revokedAt: null }),
        ),
      ),
    );
    const q = (p: string, at: number, scope = '/a/b/c') => hasRole(idx, user(p), R, scope, at);
    expect([q('u1', NOW - 1), q('u1', NOW), q('u1', NOW + HOUR - 1), q('u1', NOW + HOUR)]).toEqual([false, true, true, false]);
    expect([q('u2', NOW + HOUR - 1), q('u2', NOW + HOUR)]).toEqual([true, false]);
    // open-ended and never revoked: even at +Infinity, as inWindow says
    expect(q('u2', Infinity, '/a/d')).toBe(true);
    expect(q('u1', Infinity)).toBe(false);
    expect(q('u2', Number.NaN, '/a/d')).toBe(false);
  });

  it('ancestry by the target path: self and ancestors grant, siblings and descendants do not', () => {
    const idx = buildPolicyIndex(tiny((s) => s.schedules.push(sched('s1', user('u1'), '/a/b'))));
    expect(['/a', '/a/b', '/a/b/c', '/a/d', '/x'].map((id) => hasRole(idx, user('u1'), R, id, NOW))).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(isAncestorOrSelf(idx, '/a', '/a/b/c')).toBe(true);
    expect(isAncestorOrSelf(idx, '/a/d', '/a/b/c')).toBe(false);
    expect(hasRole(idx, user('u1'), R, '/A/B/C', NOW)).toBe(true); // case tolerated as nodeOf does
    expect(hasRole(idx, user('u1'), R, '/nope', NOW)).toBe(false);
    expect(hasRole(idx, user('u1'), ROLE_IDS.reader, '/a/b', NOW)).toBe(false);
    expect(hasRole(idx, user('u1'), 'no-such-role', '/a/b', NOW)).toBe(false);
  });

  it('groups reach enabled members only; a group principal holds its own grants; disabled and unknown users hold nothing', () => {
    const idx = buildPolicyIndex(
      tiny((s) =>
        s.schedules.push(
          sched('s1', grp('g1'), '/a'),
          sched('s2', user('off'), '/a'),
          sched('s3', user('ghost'), '/a'),
          sched('s4', grp('g-not-in-snapshot'), '/a'),
        ),
      ),
    );
    const at = (p: PrincipalRef) => hasRole(idx, p, R, '/a/b/c', NOW);
    expect([
      at(user('u2')),
      at(user('u1')),
      at(user('off')),
      at(user('ghost')),
      at(grp('g1')),
      at(grp('g-not-in-snapshot')),
      at(user('g1')),
    ]).toEqual([true, false, false, false, true, true, false]);
  });

  it('a schedule on an unknown scope grants nothing; a parent cycle is cut loose, not looped', () => {
    const idx = buildPolicyIndex(
      tiny((s) => {
        s.resources.push(
          { id: '/p', parentId: '/q', kind: 'resourceGroup', name: 'p', managed: true },
          { id: '/q', parentId: '/p', kind: 'resourceGroup', name: 'q', managed: true },
        );
        s.schedules.push(sched('s1', user('u1'), '/gone'), sched('s2', user('u1'), '/q'));
      }),
    );
    expect(hasRole(idx, user('u1'), R, '/gone', NOW)).toBe(false);
    for (const id of ['/p', '/q']) expect(hasRole(idx, user('u1'), R, id, NOW)).toBe(referenceHasRole(idx, user('u1'), R, id, NOW));
  });

  it('a group with hundreds of grants of one role takes the per-ancestor path and still agrees', () => {
    const snap = generateTenant({ seed: 5, resources: 400, users: 20, groups: 2, schedules: 0, settings: 0, now: NOW });
    const rnd = prng(11);
    for (let i = 0; i < 600; i++) {
      const scope = snap.resources[Math.floor(rnd() * snap.resources.length)].id;
      snap.schedules.push(
        sched(`b${i}`, grp('g0'), scope, { roleId: R, revokedAt: rnd() < 0.3 ? NOW - HOUR : null, endAt: rnd() < 0.3 ? NOW - 1 : null }),
      );
    }
    const idx = buildPolicyIndex(snap);
    const members = snap.groups[0].memberIds;
    expect(members.length).toBeGreaterThan(0);
    let allowed = 0;
    for (const r of snap.resources) {
      for (const p of [grp('g0'), user(members[0])]) {
        const got = hasRole(idx, p, R, r.id, NOW);
        expect(got).toBe(referenceHasRole(idx, p, R, r.id, NOW));
        if (got) allowed++;
      }
    }
    expect(allowed).toBeGreaterThan(0);
  });

  it('duplicate check: same user, role and exact scope, non-revoked and overlapping, in snapshot order; pending SelfActivate too', () => {
    const snap = tiny((s) => {
      s.schedules.push(
        { ...sched('e1', user('u1'), '/a'), kind: 'eligible', endAt: null },
        sched('d2', user('u1'), '/a/b', { startAt: NOW + 30 * MINUTE_MS }),
        sched('d1', user('u1'), '/a/b'),
        sched('d0', user('u1'), '/a', { roleId: ROLE_IDS.reader }),
        sched('rv', user('u1'), '/a/b', { revokedAt: NOW }),
        sched('c', user('u1'), '/a/b/c'),
        sched('gg', grp('g1'), '/a/b'),
      );
      const req = (id: string, o: Record<string, unknown>) => ({
        id,
        kind: 'assignment' as const,
        requestType: 'SelfActivate' as const,
        status: 'PendingApproval' as const,
        requesterId: 'u1',
        principal: user('u1'),
        roleId: R,
        scopeId: '/a/b',
        startAt: NOW,
        endAt: NOW + HOUR,
        createdAt: NOW - HOUR,
        approvalDeadline: NOW + HOUR,
        approvers: [],
        linkedEligibilityId: null,
        targetScheduleId: null,
        ...o,
      });
      s.requests.push(
        req('r1', {}),
        req('r2', { approvalDeadline: NOW }),
        req('r3', { status: 'Denied' }),
        req('r4', { requestType: 'SelfExtend' }),
        req('r5', {}),
      );
    });
    const idx = buildPolicyIndex(snap);
    const input: ActivationInput = {
      userId: 'u1',
      eligibilityId: 'e1',
      scopeId: '/a/b',
      startAt: NOW,
      durationMinutes: 60,
      justification: 'j',
      mfaVerifiedAt: NOW,
      now: NOW,
    };
    const r = evaluateActivation(idx, input);
    expect(r).toEqual(referenceEvaluateActivation(idx, input));
    expect(!r.ok && r.violations.map((v) => ('scheduleId' in v ? v.scheduleId : 'requestId' in v ? v.requestId : v.code))).toEqual([
      'd2',
      'd1',
      'r1',
      'r5',
    ]);
  });

  it('eligibility ids: an active schedule or a reused id (last one wins, as in index.schedules) is not an eligibility', () => {
    const snap = tiny((s) =>
      s.schedules.push(
        { ...sched('e1', user('u1'), '/a'), kind: 'eligible' },
        sched('e1', user('u1'), '/a/b'),
        { ...sched('e2', user('u1'), '/a/b'), kind: 'eligible' },
        { ...sched('e2', grp('g1'), '/a/d'), kind: 'eligible', roleId: ROLE_IDS.reader },
        { ...sched('e3', grp('g1'), '/A'), kind: 'eligible' },
      ),
    );
    const idx = buildPolicyIndex(snap);
    for (const [userId, eligibilityId, scopeId] of [
      ['u1', 'e1', '/a/b'],
      ['u1', 'e2', '/a/b'],
      ['u2', 'e2', '/a/d'],
      ['off', 'e2', '/a/d'],
      ['ghost', 'e3', '/a/b'],
      ['u2', 'e3', '/a/b/c'],
      ['u2', 'e3', '/x'],
    ]) {
      const input: ActivationInput = {
        userId,
        eligibilityId,
        scopeId,
        startAt: NOW,
        durationMinutes: 60,
        justification: 'j',
        mfaVerifiedAt: NOW,
        now: NOW,
      };
      expect(evaluateActivation(idx, input), `${userId} ${eligibilityId}`).toEqual(referenceEvaluateActivation(idx, input));
    }
    expect(
      evaluateActivation(idx, {
        userId: 'u2',
        eligibilityId: 'e2',
        scopeId: '/a/d',
        startAt: NOW,
        durationMinutes: 60,
        justification: 'j',
        mfaVerifiedAt: NOW,
        now: NOW,
      }).ok,
    ).toBe(true);
  });

  it('hasRole and evaluateActivation agree with the resource-centric reference on random tenants', () => {
    let compared = 0;
    let allowed = 0;
    let accepted = 0;
    for (let t = 0; t < 30; t++) {
      const dense = t % 3 === 0;
      const snap = generateTenant({
        seed: 500 + t,
        resources: dense ? 8 : 30 + t * 10,
        users: 8 + t,
        groups: t % 4,
        schedules: dense ? 300 : 40 + t * 8,
        settings: 10 + t,
        requests: 40,
        now: NOW,
      });
      // requests aimed at real eligibilities so pending duplicates are exercised
      const rnd = prng(t);
      for (const r of snap.requests) {
        const e = snap.schedules[Math.floor(rnd() * snap.schedules.length)];
        if (e && rnd() < 0.5 && e.principal.type === 'User')
          Object.assign(r, { principal: e.principal, roleId: e.roleId, scopeId: e.scopeId, status: 'PendingApproval' });
      }
      // dense tenants key principals' grants by scope (the path taken above 32 grants of a role)
      const index = buildPolicyIndex(snap, dense ? { scanMax: 2 } : {});
      const principals: PrincipalRef[] = [
        ...snap.users.map((u) => user(u.id)),
        ...snap.groups.map((g) => grp(g.id)),
        user('nobody'),
        grp('nobody'),
      ];
      const roles = [...snap.roles.map((r) => r.id), 'no-such-role'];
      const active = snap.schedules.filter((s) => s.kind === 'active');
      for (let i = 0; i < 400; i++) {
        const near = active.length > 0 && rnd() < 0.5 ? active[Math.floor(rnd() * active.length)] : null;
        const p = near && rnd() < 0.7 ? near.principal : principals[Math.floor(rnd() * principals.length)];
        const roleId = near ? near.roleId : roles[Math.floor(rnd() * roles.length)];
        const res =
          near && rnd() < 0.5 ? near.scopeId : rnd() < 0.02 ? '/nowhere' : snap.resources[Math.floor(rnd() * snap.resources.length)].id;
        const at =
          near && rnd() < 0.4
            ? [
                near.startAt - 1,
                near.startAt,
                near.endAt ?? NOW,
                (near.endAt ?? NOW) - 1,
                near.revokedAt ?? NOW,
                (near.revokedAt ?? NOW) - 1,
              ][Math.floor(rnd() * 6)]
            : NOW + Math.floor((rnd() - 0.5) * 400 * DAY_MS);
        const got = hasRole(index, p, roleId, res, at);
        expect(got, JSON.stringify({ t, p, roleId, res, at })).toBe(referenceHasRole(index, p, roleId, res, at));
        compared++;
        if (got) allowed++;
      }
      const users = [...snap.users.map((u) => u.id), 'nobody'];
      for (let i = 0; i < 300; i++) {
        const e = snap.schedules[Math.floor(rnd() * snap.schedules.length)];
        const uid =
          e && e.principal.type === 'User' && rnd() < 0.6
            ? e.principal.id
            : e && e.principal.type === 'Group' && rnd() < 0.6
              ? (snap.groups.find((g) => g.id === e.principal.id)?.memberIds[0] ?? 'nobody')
              : users[Math.floor(rnd() * users.length)];
        let scopeId = e?.scopeId ?? '/nowhere';
        if (rnd() < 0.6) {
          const below = snap.resources.filter((r) => r.parentId === scopeId);
          if (below.length) scopeId = below[Math.floor(rnd() * below.length)].id;
        } else if (rnd() < 0.3) scopeId = snap.resources[Math.floor(rnd() * snap.resources.length)].id;
        const pending = snap.requests.find((r) => r.principal.id === uid && r.status === 'PendingApproval');
        if (pending && rnd() < 0.3) scopeId = pending.scopeId;
        const input: ActivationInput = {
          userId: uid,
          eligibilityId: rnd() < 0.05 ? 'nope' : (e?.id ?? 'nope'),
          scopeId,
          now: NOW,
          startAt: NOW + Math.floor((rnd() - 0.3) * 20) * MINUTE_MS,
          durationMinutes: [60, 4, 2000, Number.NaN, 30][Math.floor(rnd() * 5)],
          justification: rnd() < 0.8 ? 'j' : ' ',
          ticketNumber: rnd() < 0.7 ? 'INC1' : null,
          ticketSystem: 'SN',
          mfaVerifiedAt: rnd() < 0.8 ? NOW : null,
        };
        const got = evaluateActivation(index, input);
        expect(got, JSON.stringify({ t, input })).toEqual(referenceEvaluateActivation(index, input));
        if (got.ok) accepted++;
      }
    }
    expect(compared).toBe(12_000);
    expect(allowed).toBeGreaterThan(compared * 0.1);
    expect(accepted).toBeGreaterThan(50);
  });
});
