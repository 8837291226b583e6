import { describe as group, expect, it } from 'vitest';
import { buildPolicyIndex, BWC, blueWidgetCo, DAY_MS, describe, ROLE_IDS, type NameLookup, type TenantSnapshot } from './index';
import { explainAccess } from './explain';
import { effectiveAccess } from './access';
import { generateTenant, prng } from './testing/generate';

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const { users: U, schedules: S } = BWC;
const OWNER = ROLE_IDS.owner;

function indexWith(change: (t: TenantSnapshot) => void = () => {}) {
  const t = blueWidgetCo(NOW);
  change(t);
  return buildPolicyIndex(t);
}
const index = indexWith();
const names: NameLookup = {
  scope: (id) => index.resources.get(id)?.fact.name ?? id,
  role: (id) => index.roles.get(id)?.name ?? id,
  principal: (p) => index.users.get(p.id)?.displayName ?? p.id,
};
const role = (userId: string, resourceId: string, roleId: string, i = index) =>
  explainAccess(i, userId, resourceId, NOW, { roleIds: [roleId] }).roles.find((r) => r.roleId === roleId)!;

group('explainAccess: the cases of issue 15 on the Blue Widget fixture', () => {
  it.each([
    // [who, where, role, state, source kind, from scope, outcome, approvers, governing settings explicit]
    ['Jen', U.jen, BWC.rg('finance-prod'), OWNER, 'eligible', 'Inherited', BWC.subscription, 'approval', [U.avery], true],
    ['Jen', U.jen, BWC.vm('finance-prod', 1), OWNER, 'eligible', 'Inherited', BWC.subscription, 'active', [], false],
    ['Jen', U.jen, BWC.subscription, OWNER, 'eligible', 'Direct', BWC.subscription, 'approval', [U.avery], true],
    ['Jen', U.jen, BWC.rg('finance-test'), OWNER, 'eligible', 'Inherited', BWC.subscription, 'active', [], false],
    ['Sam', U.sam, BWC.rg('finance-dev'), ROLE_IDS.reader, 'active', 'Direct', BWC.rg('finance-dev'), null, [], null],
    ['Sam', U.sam, BWC.vm('finance-dev', 2), ROLE_IDS.reader, 'active', 'Inherited', BWC.rg('finance-dev'), null, [], null],
    ['Sam', U.sam, BWC.rg('finance-dev'), ROLE_IDS.contributor, 'eligible', 'Direct', BWC.rg('finance-dev'), 'active', [], false],
  ] as const)('%s at %s: %s', (_who, userId, resourceId, roleId, state, memberType, from, outcome, approvers, explicit) => {
    const r = role(userId, resourceId, roleId);
    expect(r.state).toBe(state);
    expect(r.sources[0]).toMatchObject({ kind: state, memberType, fromScopeId: from, status: 'Active' });
    expect(r.violations).toEqual([]);
    if (outcome === null) {
      expect(r.activation).toBeNull();
      return;
    }
    const a = r.activation!;
    // rule 2: the resource's own settings govern, never the assignment scope's
    expect(a.scopeId).toBe(resourceId);
    expect(a.explicit).toBe(explicit);
    expect(a.outcome.kind).toBe(outcome);
    expect(a.violations).toEqual([]);
    if (a.outcome.kind === 'approval') expect(a.outcome.approverUserIds).toEqual(approvers);
    expect(a.reasons.map((x) => describe(x, names))).toContain(
      outcome === 'approval'
        ? `Owner on ${names.scope(resourceId)} needs approval (settings of ${names.scope(resourceId)})`
        : `${names.role(roleId)} on ${names.scope(resourceId)} activates at once`,
    );
  });

  it('Jen on finance-prod-vm1: eligible from the subscription, active at once under the VM defaults (8 h, MFA, justification)', () => {
    const r = role(U.jen, BWC.vm('finance-prod', 1), OWNER);
    expect(r.activation).toMatchObject({ maxDurationMinutes: 480, requirements: { mfa: true, justification: true, ticket: false } });
    expect(r.sources).toHaveLength(1);
    expect(r.sources[0]).toMatchObject({ scheduleId: S.jenOwnerEligible, inherited: true, origin: 'assigned' });
  });

  it('Sam holds nothing on finance-prod: none, the engine says why, and who could grant it (not Sam himself)', () => {
    const e = explainAccess(index, U.sam, BWC.vm('finance-prod', 1), NOW, { roleIds: [OWNER], grantors: 5 });
    expect(e.roles).toEqual([expect.objectContaining({ roleId: OWNER, state: 'none', sources: [], activation: null })]);
    expect(e.roles[0].violations).toEqual([{ code: 'not-eligible-at-scope', scopeId: BWC.vm('finance-prod', 1), roleId: OWNER }]);
    expect(e.grantors.map((g) => g.userId)).toEqual([U.steve]);
    expect(e.grantors[0].reasons.map((x) => x.code)).toEqual(['pim-admin', 'management-role']);
  });

  it('without roleIds only what reaches is listed; Steve is not his own grantor', () => {
    expect(explainAccess(index, U.sam, BWC.rg('finance-prod'), NOW).roles).toEqual([]);
    const steve = explainAccess(index, U.steve, BWC.rg('finance-prod'), NOW);
    expect(steve.roles.map((r) => [r.roleId, r.state, r.sources[0].memberType])).toEqual([
      [ROLE_IDS.userAccessAdministrator, 'active', 'Inherited'],
    ]);
    expect(steve.grantors).toEqual([]);
    // grantors are listed only when asked for and something is missing
    expect(explainAccess(index, U.jen, BWC.rg('finance-prod'), NOW, { grantors: 5 })).toMatchObject({ missing: false, grantors: [] });
    expect(explainAccess(index, U.sam, BWC.rg('finance-prod'), NOW)).toMatchObject({ missing: true, grantors: [] });
  });

  it('an activation in force: active (activated until T), and activating again there is refused as overlapping (rule 5)', () => {
    const end = NOW + 3_600_000;
    const i = indexWith((t) =>
      t.schedules.push({
        id: 'act-1',
        kind: 'active',
        principal: { type: 'User', id: U.jen },
        roleId: OWNER,
        scopeId: BWC.rg('finance-test'),
        startAt: NOW - 60_000,
        endAt: end,
        revokedAt: null,
        origin: 'activated',
        linkedEligibilityId: S.jenOwnerEligible,
      }),
    );
    const r = role(U.jen, BWC.rg('finance-test'), OWNER, i);
    expect(r.state).toBe('active');
    expect(r.sources.map((s) => [s.kind, s.origin, s.endAt])).toEqual([
      ['active', 'activated', end],
      ['eligible', 'assigned', NOW - DAY_MS + 365 * DAY_MS],
    ]);
    expect(r.activation!.violations.map((v) => v.code)).toEqual(['overlapping-activation']);
    // below it, the activation is inherited and a VM activation is a different scope: possible
    const vm = role(U.jen, BWC.vm('finance-test', 1), OWNER, i);
    expect(vm.sources[0]).toMatchObject({ kind: 'active', memberType: 'Inherited', fromScopeId: BWC.rg('finance-test') });
    expect(vm.activation!.violations).toEqual([]);
  });

  it('through a group: the source names the group; the approver who is the requester is left out (no-approver)', () => {
    const i = indexWith((t) => {
      t.groups.push({ id: 'grp-ops', name: 'Ops', memberIds: [U.avery] });
      t.schedules.push({
        id: 'grp-elig',
        kind: 'eligible',
        principal: { type: 'Group', id: 'grp-ops' },
        roleId: OWNER,
        scopeId: BWC.rg('finance-prod'),
        startAt: NOW - DAY_MS,
        endAt: NOW + 30 * DAY_MS,
        revokedAt: null,
        origin: 'assigned',
        linkedEligibilityId: null,
      });
    });
    const r = role(U.avery, BWC.vm('finance-prod', 2), OWNER, i);
    expect(r.sources[0]).toMatchObject({ memberType: 'Group', groupId: 'grp-ops', fromScopeId: BWC.rg('finance-prod'), inherited: true });
    expect(r.activation!.outcome.kind).toBe('active');
    // at finance-prod itself Avery would have to approve her own request: the engine refuses it up front
    const prod = role(U.avery, BWC.rg('finance-prod'), OWNER, i);
    expect(prod.activation!.outcome.kind).toBe('blocked');
    expect(prod.activation!.violations.map((v) => v.code)).toEqual(['no-approver']);
  });

  it('an eligibility that starts later: none yet, with "not started" and the schedule', () => {
    const i = indexWith((t) =>
      t.schedules.push({
        id: 'later',
        kind: 'eligible',
        principal: { type: 'User', id: U.avery },
        roleId: ROLE_IDS.reader,
        scopeId: BWC.subscription,
        startAt: NOW + DAY_MS,
        endAt: NOW + 10 * DAY_MS,
        revokedAt: null,
        origin: 'assigned',
        linkedEligibilityId: null,
      }),
    );
    const r = role(U.avery, BWC.rg('finance-dev'), ROLE_IDS.reader, i);
    expect(r.state).toBe('none');
    expect(r.sources).toEqual([expect.objectContaining({ status: 'Scheduled', memberType: 'Inherited', startAt: NOW + DAY_MS })]);
    expect(r.violations).toEqual([{ code: 'eligibility-not-started', scheduleId: 'later', roleId: ROLE_IDS.reader, value: NOW + DAY_MS }]);
  });

  it('a disabled account holds nothing; an unknown or unmanaged resource says so', () => {
    const i = indexWith((t) => {
      t.users.find((u) => u.id === U.jen)!.disabled = true;
      t.resources.push({ id: '/subscriptions/other', parentId: null, kind: 'subscription', name: 'Other', managed: false });
    });
    expect(role(U.jen, BWC.rg('finance-prod'), OWNER, i)).toMatchObject({ state: 'none', violations: [{ code: 'principal-disabled' }] });
    expect(role(U.sam, '/subscriptions/other', OWNER, i)).toMatchObject({ state: 'none', violations: [{ code: 'scope-not-managed' }] });
    expect(explainAccess(i, U.sam, '/subscriptions/none', NOW, { roleIds: [OWNER] })).toMatchObject({
      known: false,
      roles: [{ violations: [{ code: 'scope-unknown' }] }],
    });
  });

  it('resource ids compare case-insensitively', () => {
    expect(role(U.jen, BWC.vm('finance-prod', 1).toUpperCase(), OWNER).state).toBe('eligible');
  });
});

group('explainAccess agrees with effectiveAccess (rule 1) on generated tenants', () => {
  it.each([1, 2, 3])('seed %i: the same schedules reach, with the same member type, scope and group', (seed) => {
    const snap = generateTenant({ resources: 1500, users: 120, groups: 15, schedules: 2500, settings: 60, seed, now: NOW });
    const i = buildPolicyIndex(snap);
    const rnd = prng(seed);
    const key = (x: { scheduleId: string; kind: string; memberType: string; fromScopeId: string; groupId?: string }) =>
      [x.kind, x.scheduleId, x.memberType, x.fromScopeId, x.groupId ?? ''].join('|');
    let compared = 0;
    for (let n = 0; n < 400; n++) {
      const user = snap.users[Math.floor(rnd() * snap.users.length)].id;
      const resource = snap.resources[Math.floor(rnd() * snap.resources.length)].id;
      const e = effectiveAccess(i, { type: 'User', id: user }, resource, NOW);
      const expected = [...e.active.map((a) => ({ ...a, kind: 'active' })), ...e.eligible.map((a) => ({ ...a, kind: 'eligible' }))].map(
        (a) => key({ kind: a.kind, scheduleId: a.schedule.id, ...a.source }),
      );
      const got = explainAccess(i, user, resource, NOW)
        .roles.flatMap((r) => r.sources)
        .filter((x) => x.status === 'Active')
        .map(key);
      expect(got.sort()).toEqual(expected.sort());
      compared += expected.length;
    }
    expect(compared).toBeGreaterThan(0);
  });
});
