import { describe as group, expect, it } from 'vitest';
import {
  activationEndWithin,
  alerts,
  approversOf,
  describe,
  blueWidgetCo,
  buildPolicyIndex,
  BWC,
  canDecide,
  DAY_MS,
  DEFAULT_SETTINGS,
  effectiveAccess,
  evaluateAdminRequest,
  evaluateSelfRequest,
  hasRole,
  managersOf,
  requestStatus,
  ROLE_IDS,
  scheduleStatus,
  validateSettings,
  isAncestorOrSelf,
  descendantsOf,
  isManaged,
  settingsFor,
  type AdminRequestInput,
  type RequestFact,
  type ScheduleFact,
  type TenantSnapshot,
} from './index';

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const { users: U, schedules: S } = BWC;
const me = (id: string) => ({ type: 'User' as const, id });
function tenant(edit: (s: TenantSnapshot) => void = () => {}) {
  const s = blueWidgetCo(NOW);
  edit(s);
  return buildPolicyIndex(s);
}
const sched = (s: TenantSnapshot, id: string) => s.schedules.find((x) => x.id === id)!;
const assign: AdminRequestInput = {
  actorId: U.steve,
  requestType: 'AdminAssign',
  kind: 'eligible',
  principal: me(U.avery),
  roleId: ROLE_IDS.reader,
  scopeId: BWC.rg('finance-prod'),
  startAt: NOW,
  endAt: NOW + 30 * DAY_MS,
  now: NOW,
};
const codes = (input: Partial<AdminRequestInput>, idx = tenant()) => {
  const r = evaluateAdminRequest(idx, { ...assign, ...input });
  return r.ok ? [] : r.violations.map((v) => v.code);
};

group('time-derived status (rule 3)', () => {
  const s: ScheduleFact = {
    id: 'x',
    kind: 'active',
    principal: me('u'),
    roleId: 'r',
    scopeId: 's',
    startAt: 100,
    endAt: 200,
    revokedAt: null,
    origin: 'assigned',
    linkedEligibilityId: null,
  };
  it('schedule boundaries', () => {
    expect(scheduleStatus(s, 99)).toBe('Scheduled');
    expect(scheduleStatus(s, 100)).toBe('Active');
    expect(scheduleStatus(s, 199)).toBe('Active');
    expect(scheduleStatus(s, 200)).toBe('Expired');
    expect(scheduleStatus({ ...s, revokedAt: 150 }, 150)).toBe('Revoked');
    expect(scheduleStatus({ ...s, endAt: null }, 1e15)).toBe('Active');
  });
  it('request times out at its deadline (exclusive)', () => {
    const r = { status: 'PendingApproval', approvalDeadline: 500 } as RequestFact;
    expect(requestStatus(r, 499)).toBe('PendingApproval');
    expect(requestStatus(r, 500)).toBe('TimedOut');
    expect(requestStatus({ ...r, status: 'Denied' }, 1000)).toBe('Denied');
  });
});

group('evaluateAdminRequest', () => {
  it('Steve may assign; Jen (eligible only) and Avery may not', () => {
    expect(codes({})).toEqual([]);
    expect(codes({ actorId: U.jen })).toEqual(['not-authorized']);
    expect(codes({ actorId: U.avery, principal: me(U.sam) })).toEqual(['not-authorized']);
  });
  it('principal, role and scope must exist', () => {
    expect(codes({ principal: me('ghost'), roleId: 'nope', scopeId: '/x' })).toEqual([
      'scope-unknown',
      'not-authorized',
      'principal-not-found',
      'role-not-found',
    ]);
    expect(codes({ principal: { type: 'Group', id: 'nope' } })).toEqual(['principal-not-found']);
    expect(
      codes(
        {},
        tenant((s) => {
          s.users.find((u) => u.id === U.avery)!.disabled = true;
        }),
      ),
    ).toEqual(['principal-disabled']);
  });
  it('permanent and longest window follow the scope-role settings', () => {
    expect(codes({ endAt: null })).toEqual(['permanent-not-allowed']);
    expect(codes({ endAt: NOW + 365 * DAY_MS })).toEqual([]);
    expect(codes({ endAt: NOW + 365 * DAY_MS + 1 })).toEqual(['window-too-long']);
    expect(codes({ kind: 'active', justification: 'x', endAt: NOW + 180 * DAY_MS })).toEqual([]);
    expect(codes({ kind: 'active', justification: 'x', endAt: NOW + 181 * DAY_MS })).toEqual(['window-too-long']);
    expect(codes({ endAt: NOW })).toEqual(['end-before-start']);
    const perm = tenant((s) =>
      s.settings.push({
        scopeId: BWC.rg('finance-prod'),
        roleId: ROLE_IDS.reader,
        settings: { ...DEFAULT_SETTINGS, eligiblePermanentAllowed: true },
      }),
    );
    expect(codes({ endAt: null }, perm)).toEqual([]);
  });
  it('active assignments need justification (and MFA when set)', () => {
    expect(codes({ kind: 'active' })).toEqual(['justification-required']);
    const mfa = tenant((s) =>
      s.settings.push({
        scopeId: BWC.rg('finance-prod'),
        roleId: ROLE_IDS.reader,
        settings: { ...DEFAULT_SETTINGS, activeRequireMfa: true },
      }),
    );
    expect(codes({ kind: 'active', justification: 'x' }, mfa)).toEqual(['mfa-required']);
    expect(codes({ kind: 'active', justification: 'x', mfaVerifiedAt: NOW }, mfa)).toEqual([]);
  });
  it('overlap with an existing same-kind assignment; update ignores its target', () => {
    const samDev = { principal: me(U.sam), roleId: ROLE_IDS.contributor, scopeId: BWC.rg('finance-dev') };
    expect(codes(samDev)).toEqual(['overlapping-assignment']);
    expect(codes({ ...samDev, kind: 'active', justification: 'x' })).toEqual([]);
    expect(codes({ ...samDev, requestType: 'AdminUpdate', targetScheduleId: S.samContributorEligible })).toEqual([]);
    expect(codes({ ...samDev, requestType: 'AdminUpdate', targetScheduleId: S.samReaderActive })).toEqual([
      'target-not-found',
      'overlapping-assignment',
    ]);
  });
  it('extend only within 14 days of the end, never permanent or ended', () => {
    const sam = (end: number | null) =>
      tenant((s) => {
        sched(s, S.samContributorEligible).endAt = end;
      });
    const ext = {
      requestType: 'AdminExtend' as const,
      principal: me(U.sam),
      roleId: ROLE_IDS.contributor,
      scopeId: BWC.rg('finance-dev'),
      targetScheduleId: S.samContributorEligible,
      startAt: NOW - DAY_MS,
      endAt: NOW + 100 * DAY_MS,
    };
    expect(codes(ext, sam(NOW + 14 * DAY_MS))).toEqual([]);
    expect(codes(ext, sam(NOW + 14 * DAY_MS + 1))).toEqual(['not-in-extend-window']);
    expect(codes(ext, sam(NOW))).toEqual(['not-in-extend-window']);
    expect(codes(ext, sam(null))).toEqual(['not-in-extend-window']);
  });
  it('renew only within 30 days after it ended (or was revoked)', () => {
    const ren = {
      requestType: 'AdminRenew' as const,
      principal: me(U.sam),
      roleId: ROLE_IDS.contributor,
      scopeId: BWC.rg('finance-dev'),
      targetScheduleId: S.samContributorEligible,
    };
    const sam = (end: number, revokedAt: number | null = null) =>
      tenant((s) => {
        Object.assign(sched(s, S.samContributorEligible), { endAt: end, revokedAt });
      });
    expect(codes(ren, sam(NOW))).toEqual([]);
    expect(codes(ren, sam(NOW - 30 * DAY_MS))).toEqual([]);
    expect(codes(ren, sam(NOW - 30 * DAY_MS - 1))).toEqual(['not-in-renew-window']);
    expect(codes(ren, sam(NOW + 1))).toEqual(['not-in-renew-window']);
    expect(codes(ren, sam(NOW + DAY_MS, NOW - DAY_MS))).toEqual([]);
  });
  it('remove needs a target that is not revoked', () => {
    const rm = {
      requestType: 'AdminRemove' as const,
      principal: me(U.sam),
      roleId: ROLE_IDS.reader,
      scopeId: BWC.rg('finance-dev'),
      kind: 'active' as const,
      targetScheduleId: S.samReaderActive,
    };
    expect(codes(rm)).toEqual([]);
    expect(
      codes(
        rm,
        tenant((s) => {
          sched(s, S.samReaderActive).revokedAt = NOW;
        }),
      ),
    ).toEqual(['target-already-revoked']);
    expect(codes({ ...rm, targetScheduleId: 'nope' })).toEqual(['target-not-found']);
  });
});

group('evaluateSelfRequest', () => {
  it('SelfDeactivate only for an activation the user holds', () => {
    const idx = tenant((s) =>
      s.schedules.push({
        ...sched(s, S.jenOwnerEligible),
        id: 'act',
        kind: 'active',
        origin: 'activated',
        startAt: NOW - 1,
        endAt: NOW + 3600_000,
      }),
    );
    expect(evaluateSelfRequest(idx, { userId: U.jen, requestType: 'SelfDeactivate', targetScheduleId: 'act', now: NOW }).ok).toBe(true);
    const r = evaluateSelfRequest(idx, { userId: U.jen, requestType: 'SelfDeactivate', targetScheduleId: 'act', now: NOW + 3600_000 });
    expect(!r.ok && r.violations.map((v) => v.code)).toEqual(['not-active-or-scheduled']);
    const other = evaluateSelfRequest(idx, { userId: U.sam, requestType: 'SelfDeactivate', targetScheduleId: 'act', now: NOW });
    expect(!other.ok && other.violations.map((v) => v.code)).toEqual(['target-not-found']);
  });
  it('SelfExtend goes to admin approval (Steve), within the window', () => {
    const idx = tenant((s) => {
      sched(s, S.samReaderActive).endAt = NOW + 3 * DAY_MS;
    });
    const r = evaluateSelfRequest(idx, {
      userId: U.sam,
      requestType: 'SelfExtend',
      targetScheduleId: S.samReaderActive,
      endAt: NOW + 60 * DAY_MS,
      justification: 'still needed',
      now: NOW,
    });
    expect(r.ok && r.approverUserIds).toEqual([U.steve]);
    const far = evaluateSelfRequest(tenant(), {
      userId: U.sam,
      requestType: 'SelfExtend',
      targetScheduleId: S.samReaderActive,
      endAt: NOW + 60 * DAY_MS,
      justification: 'x',
      now: NOW,
    });
    expect(!far.ok && far.violations.map((v) => v.code)).toEqual(['not-in-extend-window']);
  });
  it('one pending extend or renew per assignment (rule 5), until that request times out', () => {
    const pendingExtend: RequestFact = {
      id: 'ext',
      kind: 'assignment',
      requestType: 'SelfExtend',
      status: 'PendingApproval',
      requesterId: U.sam,
      principal: me(U.sam),
      roleId: ROLE_IDS.reader,
      scopeId: BWC.rg('finance-dev'),
      startAt: NOW,
      endAt: NOW + 60 * DAY_MS,
      createdAt: NOW - 1,
      approvalDeadline: NOW + DAY_MS,
      approvers: [me(U.steve)],
      linkedEligibilityId: null,
      targetScheduleId: S.samReaderActive,
    };
    const idx = tenant((s) => {
      sched(s, S.samReaderActive).endAt = NOW + 3 * DAY_MS;
      s.requests.push(pendingExtend);
    });
    const ask = (now: number) =>
      evaluateSelfRequest(idx, {
        userId: U.sam,
        requestType: 'SelfExtend',
        targetScheduleId: S.samReaderActive,
        endAt: now + 60 * DAY_MS,
        justification: 'again',
        now,
      });
    const again = ask(NOW);
    expect(!again.ok && again.violations.map((v) => v.code)).toEqual(['pending-request-exists']);
    expect(ask(NOW + DAY_MS).ok).toBe(true);
  });
});

group('approvals', () => {
  const req = (over: Partial<RequestFact> = {}): RequestFact => ({
    id: 'r',
    kind: 'assignment',
    requestType: 'SelfActivate',
    status: 'PendingApproval',
    requesterId: U.jen,
    principal: me(U.jen),
    roleId: ROLE_IDS.owner,
    scopeId: BWC.subscription,
    startAt: NOW,
    endAt: NOW + 3600_000,
    createdAt: NOW,
    approvalDeadline: NOW + DAY_MS,
    approvers: [me(U.avery)],
    linkedEligibilityId: S.jenOwnerEligible,
    targetScheduleId: null,
    ...over,
  });
  it('named approver decides; others, the requester and late deciders cannot', () => {
    const idx = tenant();
    expect(canDecide(idx, U.avery, req(), NOW).allowed).toBe(true);
    expect(canDecide(idx, U.steve, req(), NOW).reasons.map((r) => r.code)).toEqual(['not-an-approver']);
    expect(canDecide(idx, U.jen, req({ approvers: [me(U.jen)] }), NOW).reasons.map((r) => r.code)).toContain('requester-cannot-approve');
    expect(canDecide(idx, U.avery, req(), NOW + DAY_MS).reasons.map((r) => r.code)).toEqual(['not-pending']);
    expect(canDecide(idx, U.avery, req({ status: 'Denied' }), NOW).allowed).toBe(false);
  });
  it('no named approvers → PIM admins; group approvers via membership; disabled never', () => {
    const idx = tenant((s) => {
      s.groups.push({ id: 'g', name: 'approvers', memberIds: [U.sam, U.jen] });
    });
    expect(canDecide(idx, U.steve, req({ approvers: [] }), NOW).allowed).toBe(true);
    expect(canDecide(idx, U.sam, req({ approvers: [{ type: 'Group', id: 'g' }] }), NOW).allowed).toBe(true);
    expect(approversOf(idx, req({ approvers: [{ type: 'Group', id: 'g' }] }), U.jen)).toEqual([U.sam]);
    expect(approversOf(idx, DEFAULT_SETTINGS, U.jen)).toEqual([U.steve]);
    const dis = tenant((s) => {
      s.users.find((u) => u.id === U.avery)!.disabled = true;
    });
    expect(canDecide(dis, U.avery, req(), NOW).reasons.map((r) => r.code)).toEqual(['principal-disabled']);
  });
});

group('access, management and tree', () => {
  it('group assignments reach members with memberType Group; disabled users hold nothing', () => {
    const idx = tenant((s) => {
      s.groups.push({ id: 'g', name: 'ops', memberIds: [U.avery] });
      s.schedules.push({
        ...sched(s, S.steveUaaActive),
        id: 'g-own',
        principal: { type: 'Group', id: 'g' },
        roleId: ROLE_IDS.owner,
        scopeId: BWC.rg('finance-prod'),
        endAt: NOW + DAY_MS,
      });
    });
    const a = effectiveAccess(idx, me(U.avery), BWC.vm('finance-prod', 1), NOW).active;
    expect(a.map((e) => e.source)).toEqual([{ memberType: 'Group', fromScopeId: BWC.rg('finance-prod'), inherited: true, groupId: 'g' }]);
    expect(effectiveAccess(idx, me(U.steve), BWC.subscription, NOW).active[0].source.memberType).toBe('Direct');
    expect(hasRole(idx, me(U.avery), ROLE_IDS.owner, BWC.rg('finance-prod'), NOW + DAY_MS)).toBe(false);
    expect(managementAccess(idx, U.avery, BWC.vm('finance-prod', 2))).toBe(true);
    expect(
      managersOf(idx, BWC.rg('finance-prod'), NOW)
        .map((m) => m.userId)
        .sort(),
    ).toEqual([U.avery, U.steve]);
    const dis = tenant((s) => {
      s.users.find((u) => u.id === U.steve)!.disabled = true;
    });
    expect(hasRole(dis, me(U.steve), ROLE_IDS.userAccessAdministrator, BWC.subscription, NOW)).toBe(false);
    expect(managersOf(dis, BWC.subscription, NOW)).toEqual([]);
  });
  it('tree helpers and settings are never inherited', () => {
    const idx = tenant();
    expect(isAncestorOrSelf(idx, BWC.subscription, BWC.vm('finance-dev', 1))).toBe(true);
    expect(isAncestorOrSelf(idx, BWC.rg('finance-dev'), BWC.vm('finance-test', 1))).toBe(false);
    expect(descendantsOf(idx, BWC.subscription, { managedOnly: true })).toHaveLength(9);
    expect(isManaged(idx, BWC.vm('finance-dev', 1))).toBe(true);
    expect(settingsFor(idx, BWC.subscription, ROLE_IDS.owner).explicit).toBe(true);
    expect(settingsFor(idx, BWC.rg('finance-dev'), ROLE_IDS.owner)).toMatchObject({
      explicit: false,
      settings: { ...DEFAULT_SETTINGS, approvalRequireMfa: true },
    });
  });
  it('validateSettings ranges', () => {
    expect(validateSettings(DEFAULT_SETTINGS)).toEqual([]);
    expect(
      validateSettings({ ...DEFAULT_SETTINGS, activationMaxMinutes: 29, approvalTimeoutMinutes: 0, eligibleMaxDays: 0 }).map(
        (v) => v.setting,
      ),
    ).toEqual(['activationMaxMinutes', 'approvalTimeoutMinutes', 'eligibleMaxDays']);
    expect(validateSettings({ ...DEFAULT_SETTINGS, activationMaxMinutes: 1441 })).toHaveLength(1);
  });
  it('alerts: too many owners, permanent owners, permanent privileged, weaker children', () => {
    const idx = tenant((s) => {
      for (const u of ['a', 'b', 'c', 'd']) {
        s.users.push({ id: u, displayName: u, isPimAdmin: false, disabled: false });
        s.schedules.push({
          ...sched(s, S.steveUaaActive),
          id: `own-${u}`,
          principal: me(u),
          roleId: ROLE_IDS.owner,
          scopeId: BWC.rg('finance-test'),
        });
      }
    });
    const types = alerts(idx, NOW)
      .map((a) => `${a.type}@${a.scopeId.split('/').pop()}`)
      .sort();
    expect(types).toEqual([
      'permanent-privileged-active@5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55',
      'permanent-privileged-active@finance-test',
      'too-many-owners@finance-test',
      'too-many-permanent-owners@finance-test',
      'weaker-child-settings@5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55',
      'weaker-child-settings@finance-prod',
    ]);
  });
});

function managementAccess(idx: ReturnType<typeof tenant>, userId: string, scopeId: string) {
  return evaluateAdminRequest(idx, { ...assign, actorId: userId, scopeId, principal: me(U.sam), endAt: NOW + DAY_MS }).ok;
}

group('rule 4 by any path: activations are never stretched', () => {
  const act: ScheduleFact = {
    id: 'act',
    kind: 'active',
    principal: me(U.jen),
    roleId: ROLE_IDS.owner,
    scopeId: BWC.rg('finance-prod'),
    startAt: NOW - 3600_000,
    endAt: NOW + 3600_000,
    revokedAt: null,
    origin: 'activated',
    linkedEligibilityId: S.jenOwnerEligible,
  };
  const ended = { ...act, id: 'ended', endAt: NOW - 60_000 };
  const idx = tenant((s) => s.schedules.push(act, ended));
  const onAct = {
    kind: 'active' as const,
    principal: me(U.jen),
    roleId: ROLE_IDS.owner,
    scopeId: BWC.rg('finance-prod'),
    justification: 'x',
    startAt: NOW + 2 * 3600_000,
    endAt: NOW + 180 * DAY_MS,
  };

  it.each([
    ['AdminUpdate', 'act', ['activation-not-extendable']],
    ['AdminExtend', 'act', ['activation-not-extendable']],
    ['AdminRenew', 'ended', ['activation-not-extendable']],
    ['AdminRemove', 'act', []],
  ] as const)('%s of an activation by an administrator → %j', (requestType, target, want) => {
    expect(codes({ ...onAct, requestType, targetScheduleId: target }, idx)).toEqual(want);
  });

  it.each([
    ['SelfExtend', 'act'],
    ['SelfRenew', 'ended'],
  ] as const)('%s of an activation is refused, however it is asked', (requestType, target) => {
    const r = evaluateSelfRequest(idx, {
      userId: U.jen,
      requestType,
      targetScheduleId: target,
      endAt: NOW + 180 * DAY_MS,
      justification: 'more time',
      now: NOW,
    });
    expect(!r.ok && r.violations).toEqual([
      {
        code: 'activation-not-extendable',
        requestType,
        scopeId: BWC.rg('finance-prod'),
        roleId: ROLE_IDS.owner,
        scheduleId: target,
        setting: 'activationMaxMinutes',
        limit: 480,
      },
    ]);
    const names = { scope: (id: string) => id.split('/').pop()!, role: () => 'Owner', principal: (p: { id: string }) => p.id };
    expect(describe(!r.ok ? r.violations[0] : ({} as never), names)).toBe(
      `An activation of Owner on finance-prod cannot be ${requestType === 'SelfExtend' ? 'extended' : 'renewed'}: ` +
        'activate again instead (at most 8 h at a time there)',
    );
  });

  it('eligibilities and directly assigned active assignments are extended and renewed as before', () => {
    const near = tenant((s) => {
      sched(s, S.samReaderActive).endAt = NOW + 3 * DAY_MS;
    });
    expect(
      evaluateSelfRequest(near, {
        userId: U.sam,
        requestType: 'SelfExtend',
        targetScheduleId: S.samReaderActive,
        endAt: NOW + 60 * DAY_MS,
        justification: 'j',
        now: NOW,
      }).ok,
    ).toBe(true);
    expect(
      codes(
        {
          requestType: 'AdminExtend',
          kind: 'active',
          principal: me(U.sam),
          roleId: ROLE_IDS.reader,
          scopeId: BWC.rg('finance-dev'),
          targetScheduleId: S.samReaderActive,
          justification: 'j',
          endAt: NOW + 60 * DAY_MS,
        },
        near,
      ),
    ).toEqual([]);
  });

  it('an activation takes the end of an eligibility that now ends before it (never before its own start)', () => {
    expect(activationEndWithin(act, NOW)).toBe(NOW);
    expect(activationEndWithin(act, NOW + 7200_000)).toBeNull();
    expect(activationEndWithin(act, null)).toBeNull();
    expect(activationEndWithin(act, NOW - 7200_000)).toBe(act.startAt);
    expect(activationEndWithin({ ...act, revokedAt: NOW }, NOW - 1)).toBeNull();
  });

  it('Enablement_Admin_Assignment (MFA, justification) applies to every request that creates or changes active access', () => {
    const mfa = tenant((s) => {
      sched(s, S.samReaderActive).endAt = NOW + 3 * DAY_MS;
      s.schedules.push({ ...sched(s, S.samReaderActive), id: 'sam-old', endAt: NOW - DAY_MS, startAt: NOW - 10 * DAY_MS });
      s.settings.push({
        scopeId: BWC.rg('finance-dev'),
        roleId: ROLE_IDS.reader,
        settings: { ...DEFAULT_SETTINGS, activeRequireMfa: true },
      });
    });
    const base = {
      kind: 'active' as const,
      principal: me(U.sam),
      roleId: ROLE_IDS.reader,
      scopeId: BWC.rg('finance-dev'),
      startAt: NOW,
      endAt: NOW + 20 * DAY_MS,
    };
    for (const [requestType, targetScheduleId] of [
      ['AdminAssign', undefined],
      ['AdminUpdate', S.samReaderActive],
      ['AdminExtend', S.samReaderActive],
      ['AdminRenew', 'sam-old'],
    ] as const) {
      const startAt = requestType === 'AdminAssign' || requestType === 'AdminRenew' ? NOW + 4 * DAY_MS : NOW;
      const asked = { ...base, requestType, targetScheduleId, startAt };
      expect(codes(asked, mfa), requestType).toEqual(['justification-required', 'mfa-required']);
      expect(codes({ ...asked, justification: 'j', mfaVerifiedAt: NOW }, mfa), requestType).toEqual([]);
    }
    expect(codes({ ...base, requestType: 'AdminRemove', targetScheduleId: S.samReaderActive }, mfa)).toEqual([]);
  });
});
