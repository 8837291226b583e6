import { describe as group, expect, it } from 'vitest';
import {
  activationOptions,
  activationScopeOption,
  buildPolicyIndex,
  BWC,
  blueWidgetCo,
  describe,
  effectiveAccess,
  evaluateActivation,
  hasRole,
  managementAccess,
  pathOf,
  ROLE_IDS,
  weakerChildren,
  type NameLookup,
} from './index';

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const index = buildPolicyIndex(blueWidgetCo(NOW));
const { users: U, schedules: S } = BWC;
const names: NameLookup = {
  scope: (id) => index.resources.get(id)?.fact.name ?? id,
  role: (id) => index.roles.get(id)?.name ?? id,
  principal: (p) => index.users.get(p.id)?.displayName ?? p.id,
};

function activate(userId: string, eligibilityId: string, scopeId: string) {
  return evaluateActivation(index, {
    userId,
    eligibilityId,
    scopeId,
    startAt: NOW,
    durationMinutes: 60,
    justification: 'quarter close',
    mfaVerifiedAt: NOW - 60_000,
    now: NOW,
  });
}

group('Blue Widget Co story', () => {
  it.each([
    ['the subscription', BWC.subscription, 'approval', BWC.subscription],
    ['finance-prod', BWC.rg('finance-prod'), 'approval', BWC.rg('finance-prod')],
    ['finance-test', BWC.rg('finance-test'), 'active', BWC.rg('finance-test')],
    ['finance-dev', BWC.rg('finance-dev'), 'active', BWC.rg('finance-dev')],
    ['a VM inside finance-prod (its own settings)', BWC.vm('finance-prod', 1), 'active', BWC.vm('finance-prod', 1)],
  ])('Jen activates Owner at %s', (_label, scopeId, kind, governing) => {
    const r = activate(U.jen, S.jenOwnerEligible, scopeId);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.outcome.kind).toBe(kind);
    expect(r.reasons.some((x) => (x.code === 'settings-explicit' || x.code === 'settings-default') && x.scopeId === governing)).toBe(true);
    if (r.outcome.kind === 'approval') {
      expect(r.outcome.approverUserIds).toEqual([U.avery]);
      expect(r.outcome.approvers).toEqual([{ type: 'User', id: U.avery }]);
      expect(r.outcome.approvalDeadline).toBe(NOW + 24 * 3_600_000);
      const msg = describe(
        r.reasons.find((x) => x.code === 'approval-required')!,
        names,
      );
      expect(msg).toBe(`Owner on ${names.scope(scopeId)} needs approval (settings of ${names.scope(scopeId)})`);
    } else {
      expect(r.outcome).toEqual({ kind: 'active', startAt: NOW, endAt: NOW + 3_600_000 });
      expect(r.explicit).toBe(false);
    }
  });

  it('Jen sees one option with the subscription and all 9 managed descendants', () => {
    const opts = activationOptions(index, U.jen, NOW);
    expect(opts).toHaveLength(1);
    expect(opts[0].source).toEqual({ memberType: 'Direct' });
    const byScope = new Map(opts[0].scopes.map((s) => [s.scopeId, s]));
    expect(byScope.size).toBe(10);
    expect(byScope.get(BWC.subscription)!.outcome.kind).toBe('approval');
    expect(byScope.get(BWC.rg('finance-prod'))!.outcome.kind).toBe('approval');
    expect(byScope.get(BWC.vm('finance-prod', 2))!.outcome.kind).toBe('active');
    expect(byScope.get(BWC.rg('finance-test'))!.maxDurationMinutes).toBe(480);
    expect(byScope.get(BWC.rg('finance-test'))!.requirements).toEqual({ mfa: true, justification: true, ticket: false });
    expect(activationScopeOption(index, U.jen, S.jenOwnerEligible, BWC.rg('finance-prod'), NOW)!.outcome.kind).toBe('approval');
    expect(activationScopeOption(index, U.jen, S.jenOwnerEligible, BWC.root, NOW)).toBeNull();
  });

  it('Jen is eligible (inherited) Owner on every VM but holds nothing active', () => {
    const a = effectiveAccess(index, { type: 'User', id: U.jen }, BWC.vm('finance-dev', 1), NOW);
    expect(a.active).toEqual([]);
    expect(a.eligible.map((e) => [e.roleId, e.source.memberType, e.source.fromScopeId])).toEqual([
      [ROLE_IDS.owner, 'Inherited', BWC.subscription],
    ]);
    expect(hasRole(index, { type: 'User', id: U.jen }, ROLE_IDS.owner, BWC.subscription, NOW)).toBe(false);
  });

  it('Avery has no eligible roles and no access, yet approves', () => {
    expect(activationOptions(index, U.avery, NOW)).toEqual([]);
    for (const r of index.resources.keys()) {
      const a = effectiveAccess(index, { type: 'User', id: U.avery }, r, NOW);
      expect(a.active.length + a.eligible.length).toBe(0);
    }
    expect(managementAccess(index, U.avery, BWC.subscription, NOW).allowed).toBe(false);
  });

  it('Steve manages the subscription as PIM admin and via active UAA; Jen must activate first', () => {
    const m = managementAccess(index, U.steve, BWC.vm('finance-prod', 1), NOW);
    expect(m.allowed).toBe(true);
    expect(m.reasons.map((r) => r.code).sort()).toEqual(['management-role', 'pim-admin']);
    const j = managementAccess(index, U.jen, BWC.rg('finance-prod'), NOW);
    expect(j.allowed).toBe(false);
    expect(j.eligibleOnly).toEqual([
      expect.objectContaining({ code: 'activate-first', roleId: ROLE_IDS.owner, scopeId: BWC.subscription }),
    ]);
  });

  it('Sam can activate Contributor at finance-dev and its VMs but not at finance-test', () => {
    const opts = activationOptions(index, U.sam, NOW);
    expect(opts).toHaveLength(1);
    expect(opts[0].scopes.map((s) => s.scopeId).sort()).toEqual(
      [BWC.rg('finance-dev'), BWC.vm('finance-dev', 1), BWC.vm('finance-dev', 2)].sort(),
    );
    for (const scope of [BWC.rg('finance-dev'), BWC.vm('finance-dev', 1), BWC.vm('finance-dev', 2)]) {
      const r = activate(U.sam, S.samContributorEligible, scope);
      expect(r.ok && r.outcome.kind).toBe('active');
    }
    const bad = activate(U.sam, S.samContributorEligible, BWC.rg('finance-test'));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.violations.map((v) => v.code)).toEqual(['not-eligible-at-scope']);
    expect(hasRole(index, { type: 'User', id: U.sam }, ROLE_IDS.reader, BWC.vm('finance-dev', 2), NOW)).toBe(true);
    expect(hasRole(index, { type: 'User', id: U.sam }, ROLE_IDS.reader, BWC.rg('finance-test'), NOW)).toBe(false);
  });

  it('breadcrumbs and weaker children', () => {
    expect(pathOf(index, BWC.vm('finance-prod', 1)).map((r) => r.name)).toEqual([
      'Tenant Root Group',
      'Blue Widget Co',
      'finance-prod',
      'finance-prod-vm1',
    ]);
    const weak = weakerChildren(index, BWC.rg('finance-prod'), ROLE_IDS.owner);
    expect(weak.map((w) => w.scopeId).sort()).toEqual([BWC.vm('finance-prod', 1), BWC.vm('finance-prod', 2)]);
    expect(describe(weak[0].reasons[0], names)).toMatch(/^approval is not required on finance-prod-vm\d but required on finance-prod$/);
    // finance-prod itself requires approval like the subscription, so it is not weaker; test and dev are
    const subWeak = weakerChildren(index, BWC.subscription, ROLE_IDS.owner).map((w) => w.scopeId);
    expect(subWeak).not.toContain(BWC.rg('finance-prod'));
    expect(subWeak).toContain(BWC.rg('finance-test'));
  });
});
