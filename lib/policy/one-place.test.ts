import { describe as group, expect, it } from 'vitest';
import {
  administersAnywhere,
  approvedActivationWindow,
  blueWidgetCo,
  buildPolicyIndex,
  BWC,
  canViewRequest,
  createsSchedule,
  decisionJustificationViolation,
  describe,
  duplicateViolations,
  evaluateActivation,
  evaluateAdminRequest,
  evaluateApprovedActivation,
  evaluateApprovedChange,
  isTenantPimAdmin,
  linkedActivationChanges,
  overlappingSchedules,
  pendingDuplicates,
  ROLE_IDS,
  schedulesReaching,
  selfChangeWindow,
  activationNotices,
  DEFAULT_SETTINGS,
  DAY_MS,
  MINUTE_MS,
  type NameLookup,
  type PrincipalRef,
  type RequestFact,
  type ScheduleFact,
  type TenantSnapshot,
} from './index';

/**
 * Issue 15: every rule decided once, in the engine. One test group per rule moved here from
 * a service (the services now only ask; services.test guards that they do not decide again).
 */

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const HOUR = 3_600_000;
const { users: U, schedules: S } = BWC;
const me = (id: string): PrincipalRef => ({ type: 'User', id });
const OPS: PrincipalRef = { type: 'Group', id: 'group-ops' };
const PROD = BWC.rg('finance-prod');
const DEV = BWC.rg('finance-dev');
const names: NameLookup = {
  scope: (id) => id.split('/').pop()!,
  role: (id) => ({ [ROLE_IDS.owner]: 'Owner', [ROLE_IDS.reader]: 'Reader' })[id] ?? id,
  principal: (p) => p.id,
};

function tenant(edit: (s: TenantSnapshot) => void = () => {}) {
  const s = blueWidgetCo(NOW);
  s.groups.push({ id: OPS.id, name: 'Ops', memberIds: [U.sam] });
  edit(s);
  return buildPolicyIndex(s);
}

const sched = (x: Partial<ScheduleFact> & Pick<ScheduleFact, 'id'>): ScheduleFact => ({
  kind: 'active',
  principal: me(U.jen),
  roleId: ROLE_IDS.owner,
  scopeId: PROD,
  startAt: NOW - HOUR,
  endAt: NOW + HOUR,
  revokedAt: null,
  origin: 'activated',
  linkedEligibilityId: S.jenOwnerEligible,
  ...x,
});

/** Jen's pending activation of Owner on finance-prod, approved by Avery. */
const req = (over: Partial<RequestFact> = {}): RequestFact => ({
  id: 'r1',
  kind: 'assignment',
  requestType: 'SelfActivate',
  status: 'PendingApproval',
  requesterId: U.jen,
  principal: me(U.jen),
  roleId: ROLE_IDS.owner,
  scopeId: PROD,
  startAt: NOW,
  endAt: NOW + HOUR,
  createdAt: NOW,
  approvalDeadline: NOW + DAY_MS,
  approvers: [me(U.avery)],
  linkedEligibilityId: S.jenOwnerEligible,
  targetScheduleId: null,
  ...over,
});

group('canViewRequest: one answer for the portal and the API', () => {
  it('its requester, its approvers and the administrators of its scope see it; nobody else', () => {
    const idx = tenant();
    const r = req();
    expect(canViewRequest(idx, U.jen, r, NOW)).toBe(true);
    expect(canViewRequest(idx, U.avery, r, NOW)).toBe(true);
    // Steve: PIM administrator and active UAA of the subscription
    expect(canViewRequest(idx, U.steve, r, NOW)).toBe(true);
    expect(canViewRequest(idx, U.sam, r, NOW)).toBe(false);
  });

  it('a named approver still sees it once settled; so does whoever decided it', () => {
    const idx = tenant();
    const settled = req({ status: 'Provisioned' });
    expect(canViewRequest(idx, U.avery, settled, NOW)).toBe(true);
    expect(canViewRequest(idx, U.sam, settled, NOW, { decidedBy: U.sam })).toBe(true);
    expect(canViewRequest(idx, U.sam, settled, NOW, { decidedBy: U.avery })).toBe(false);
  });

  it('members of the principal group and of a named approver group see it', () => {
    const idx = tenant();
    expect(canViewRequest(idx, U.sam, req({ principal: OPS, requesterId: U.steve }), NOW)).toBe(true);
    expect(canViewRequest(idx, U.sam, req({ approvers: [OPS] }), NOW)).toBe(true);
  });

  it('with no approver named, the tenant PIM administrators are its approvers', () => {
    const idx = tenant((s) => {
      s.schedules = s.schedules.filter((x) => x.id !== S.steveUaaActive);
    });
    expect(canViewRequest(idx, U.steve, req({ approvers: [] }), NOW)).toBe(true);
  });
});

group('rule 5, decided once (duplicates.ts)', () => {
  const live = sched({ id: 'act-1' });
  const idx = tenant((s) => {
    s.schedules.push(live);
    s.requests.push(req({ id: 'pend-dev', scopeId: DEV }));
  });
  const q = {
    principal: me(U.jen),
    kind: 'active' as const,
    roleId: ROLE_IDS.owner,
    scopeId: PROD,
    startAt: NOW,
    endAt: NOW + HOUR,
    now: NOW,
  };

  it('an overlapping live schedule of the same kind, role and scope; not itself, not a revoked or another scope', () => {
    expect(overlappingSchedules(idx, q).map((s) => s.id)).toEqual(['act-1']);
    expect(overlappingSchedules(idx, { ...q, exceptScheduleId: 'act-1' })).toEqual([]);
    expect(overlappingSchedules(idx, { ...q, startAt: NOW + HOUR, endAt: NOW + 2 * HOUR })).toEqual([]);
    expect(overlappingSchedules(idx, { ...q, scopeId: DEV })).toEqual([]);
    expect(overlappingSchedules(idx, { ...q, kind: 'eligible' })).toEqual([]);
  });

  it('a pending SelfActivate for the same (principal, role, scope), except the request being approved', () => {
    const dev = { ...q, scopeId: DEV, pending: 'activation' as const };
    expect(pendingDuplicates(idx, dev).map((r) => r.id)).toEqual(['pend-dev']);
    expect(pendingDuplicates(idx, { ...dev, exceptRequestId: 'pend-dev' })).toEqual([]);
    expect(pendingDuplicates(idx, { ...dev, now: NOW + 2 * DAY_MS })).toEqual([]);
    expect(pendingDuplicates(idx, { ...dev, pending: undefined })).toEqual([]);
  });

  it('reads as an activation or as an assignment; the activation and admin evaluations say the same', () => {
    expect(duplicateViolations(idx, q, 'activation').map((v) => describe(v, names))).toEqual([
      'Owner on finance-prod is already active in that window',
    ]);
    expect(duplicateViolations(idx, q, 'assignment')[0]).toMatchObject({ code: 'overlapping-assignment', scheduleId: 'act-1' });
    const act = evaluateActivation(idx, {
      userId: U.jen,
      eligibilityId: S.jenOwnerEligible,
      scopeId: DEV,
      startAt: NOW,
      durationMinutes: 60,
      justification: 'x',
      mfaVerifiedAt: NOW,
      now: NOW,
    });
    expect(act.ok ? [] : act.violations.map((v) => v.code)).toContain('pending-request-exists');
    const admin = evaluateAdminRequest(idx, {
      actorId: U.steve,
      requestType: 'AdminAssign',
      kind: 'active',
      principal: me(U.jen),
      roleId: ROLE_IDS.owner,
      scopeId: PROD,
      startAt: NOW,
      endAt: NOW + DAY_MS,
      justification: 'x',
      now: NOW,
    });
    expect(admin.ok ? [] : admin.violations.map((v) => v.code)).toContain('overlapping-assignment');
  });
});

group('an approved activation (evaluateApprovedActivation, approvedActivationWindow)', () => {
  const input = {
    requestId: 'r1',
    requesterId: U.jen,
    roleId: ROLE_IDS.owner,
    scopeId: PROD,
    eligibilityId: S.jenOwnerEligible as string,
    requestedStart: NOW,
    durationMinutes: 60,
    approvedAt: NOW + HOUR,
  };

  it('starts at approval and lasts the duration asked for', () => {
    expect(evaluateApprovedActivation(tenant(), input)).toMatchObject({
      ok: true,
      startAt: NOW + HOUR,
      endAt: NOW + 2 * HOUR,
      capped: false,
    });
  });

  it('is capped at the eligibility end; an eligibility ended meanwhile fails it', () => {
    const ending = (end: number) =>
      tenant((s) => {
        s.schedules.find((x) => x.id === S.jenOwnerEligible)!.endAt = end;
      });
    expect(evaluateApprovedActivation(ending(NOW + 90 * MINUTE_MS), input)).toMatchObject({
      ok: true,
      endAt: NOW + 90 * MINUTE_MS,
      capped: true,
    });
    expect(evaluateApprovedActivation(ending(NOW + 30 * MINUTE_MS), input)).toMatchObject({
      ok: false,
      violation: { code: 'eligibility-expired' },
    });
    const removed = tenant((s) => {
      s.schedules.find((x) => x.id === S.jenOwnerEligible)!.revokedAt = NOW;
    });
    expect(evaluateApprovedActivation(removed, input)).toMatchObject({ ok: false, violation: { code: 'eligibility-revoked' } });
    expect(evaluateApprovedActivation(tenant(), { ...input, eligibilityId: 'nope' })).toMatchObject({
      ok: false,
      violation: { code: 'not-eligible-at-scope' },
    });
  });

  it('rule 5 again at approval: an assignment made while it waited fails it', () => {
    const idx = tenant((s) => {
      s.schedules.push(sched({ id: 'direct', origin: 'assigned', linkedEligibilityId: null, endAt: NOW + DAY_MS }));
    });
    expect(evaluateApprovedActivation(idx, input)).toMatchObject({
      ok: false,
      violation: { code: 'overlapping-activation', scheduleId: 'direct' },
    });
  });

  it('the window: the later of approval and the requested start', () => {
    const elig = tenant().schedules.get(S.jenOwnerEligible)!;
    expect(approvedActivationWindow(NOW + 2 * HOUR, 60, NOW, elig)).toEqual({
      startAt: NOW + 2 * HOUR,
      endAt: NOW + 3 * HOUR,
      capped: false,
    });
  });
});

group('renew has one meaning (ADR 110); extend moves the end', () => {
  const ended = sched({
    id: 'sam-reader',
    principal: me(U.sam),
    kind: 'active',
    origin: 'assigned',
    roleId: ROLE_IDS.reader,
    scopeId: DEV,
    startAt: NOW - 40 * DAY_MS,
    endAt: NOW - 2 * DAY_MS,
    linkedEligibilityId: null,
  });
  const idx = tenant((s) => {
    s.schedules = s.schedules.filter((x) => x.id !== S.samReaderActive);
    s.schedules.push(ended);
  });

  it('admin and self renewals create a new schedule; extensions and updates do not', () => {
    expect(['AdminAssign', 'AdminRenew', 'SelfRenew'].map(createsSchedule)).toEqual([true, true, true]);
    expect(['AdminUpdate', 'AdminExtend', 'SelfExtend', 'AdminRemove'].map(createsSchedule)).toEqual([false, false, false, false]);
  });

  it('an approved self renewal is a new window from approval, of the length asked for; the old one is left as it was', () => {
    const r = evaluateApprovedChange(idx, {
      requestType: 'SelfRenew',
      principalId: U.sam,
      targetScheduleId: 'sam-reader',
      requestedStart: NOW,
      requestedEnd: NOW + 10 * DAY_MS,
      approvedAt: NOW + HOUR,
    });
    expect(r).toMatchObject({ ok: true, createsSchedule: true, startAt: NOW + HOUR, endAt: NOW + HOUR + 10 * DAY_MS, target: ended });
  });

  it('an approved extension keeps the start; a removed assignment is not brought back; an activation is never stretched', () => {
    const live = sched({
      id: 'sam-live',
      principal: me(U.sam),
      origin: 'assigned',
      roleId: ROLE_IDS.reader,
      scopeId: DEV,
      linkedEligibilityId: null,
    });
    const i2 = tenant((s) => {
      s.schedules = s.schedules.filter((x) => x.id !== S.samReaderActive);
      s.schedules.push(live, { ...live, id: 'gone', revokedAt: NOW - 1 }, sched({ id: 'act' }));
    });
    const ext = {
      requestType: 'SelfExtend' as const,
      principalId: U.sam,
      requestedStart: NOW,
      requestedEnd: NOW + 30 * DAY_MS,
      approvedAt: NOW,
    };
    expect(evaluateApprovedChange(i2, { ...ext, targetScheduleId: 'sam-live' })).toMatchObject({
      ok: true,
      createsSchedule: false,
      startAt: live.startAt,
      endAt: NOW + 30 * DAY_MS,
    });
    expect(evaluateApprovedChange(i2, { ...ext, targetScheduleId: 'gone' })).toMatchObject({
      ok: false,
      violation: { code: 'target-already-revoked' },
    });
    expect(evaluateApprovedChange(i2, { ...ext, principalId: U.jen, targetScheduleId: 'act' })).toMatchObject({
      ok: false,
      violation: { code: 'activation-not-extendable' },
    });
    expect(evaluateApprovedChange(i2, { ...ext, targetScheduleId: 'nope' })).toMatchObject({
      ok: false,
      violation: { code: 'target-not-found' },
    });
    // rule 5 again at approval: an overlapping assignment made while the extension waited
    const clash = tenant((s) => {
      s.schedules.push(live);
    });
    expect(evaluateApprovedChange(clash, { ...ext, targetScheduleId: 'sam-live' })).toMatchObject({
      ok: false,
      violation: { code: 'overlapping-assignment', scheduleId: S.samReaderActive },
    });
  });

  it('the default window of a self extend / renew: the end named, else a length from now, else the longest the settings allow', () => {
    expect(selfChangeWindow(idx, ended, { endAt: NOW + DAY_MS }, NOW)).toEqual({ startAt: NOW, endAt: NOW + DAY_MS });
    expect(selfChangeWindow(idx, ended, { durationMinutes: 60 }, NOW)).toEqual({ startAt: NOW, endAt: NOW + HOUR });
    expect(selfChangeWindow(idx, ended, {}, NOW)).toEqual({ startAt: NOW, endAt: NOW + 180 * DAY_MS });
    expect(selfChangeWindow(idx, { ...ended, kind: 'eligible' }, {}, NOW)).toEqual({ startAt: NOW, endAt: NOW + 365 * DAY_MS });
  });
});

group('tenant PIM administrators, "administers", schedules reaching a user', () => {
  it('isTenantPimAdmin: marked and enabled', () => {
    expect(isTenantPimAdmin(tenant(), U.steve)).toBe(true);
    expect(isTenantPimAdmin(tenant(), U.jen)).toBe(false);
    expect(
      isTenantPimAdmin(
        tenant((s) => {
          s.users.find((u) => u.id === U.steve)!.disabled = true;
        }),
        U.steve,
      ),
    ).toBe(false);
    expect(isTenantPimAdmin(tenant(), 'nobody')).toBe(false);
  });

  it('administersAnywhere: a PIM administrator, or an active Owner / UAA somewhere, through a group too', () => {
    expect(administersAnywhere(tenant(), U.steve, NOW)).toBe(true);
    expect(administersAnywhere(tenant(), U.jen, NOW)).toBe(false);
    const viaGroup = tenant((s) => {
      s.schedules.push(
        sched({ id: 'ops-uaa', principal: OPS, roleId: ROLE_IDS.userAccessAdministrator, origin: 'assigned', linkedEligibilityId: null }),
      );
    });
    expect(administersAnywhere(viaGroup, U.sam, NOW)).toBe(true);
    expect(administersAnywhere(viaGroup, U.sam, NOW + 2 * HOUR)).toBe(false);
  });

  it("schedulesReaching: the user's own, then their groups'", () => {
    const idx = tenant((s) => {
      s.schedules.push(sched({ id: 'ops-reader', principal: OPS, roleId: ROLE_IDS.reader }));
    });
    expect(schedulesReaching(idx, U.sam).map((s) => s.id)).toEqual([S.samReaderActive, S.samContributorEligible, 'ops-reader']);
    expect(schedulesReaching(idx, 'nobody')).toEqual([]);
  });
});

group('rule 4 cascade on a changed eligibility (linkedActivationChanges)', () => {
  const a = sched({ id: 'a', endAt: NOW + 4 * HOUR });
  const b = sched({ id: 'b', endAt: NOW + HOUR });
  const gone = sched({ id: 'gone', revokedAt: NOW - 1 });

  it('a shorter end caps each activation that would outlive it', () => {
    expect(linkedActivationChanges([a, b, gone], { endAt: NOW + 2 * HOUR })).toEqual([{ scheduleId: 'a', endAt: NOW + 2 * HOUR }]);
    expect(linkedActivationChanges([a, b], { endAt: null })).toEqual([]);
  });

  it('a removal ends every activation still standing on it', () => {
    expect(linkedActivationChanges([a, b, gone], { revokedAt: NOW })).toEqual([
      { scheduleId: 'a', revokedAt: NOW },
      { scheduleId: 'b', revokedAt: NOW },
    ]);
  });
});

group('the approver justifies a decision when the settings say so', () => {
  it('as captured at submission; the default is yes; approving and denying alike', () => {
    expect(describe(decisionJustificationViolation(req(), 'Approve', '  ')!, names)).toBe(
      'A justification is required to approve Owner on finance-prod',
    );
    expect(describe(decisionJustificationViolation(req({ approverJustificationRequired: true }), 'Deny', null)!, names)).toBe(
      'A justification is required to deny Owner on finance-prod',
    );
    expect(decisionJustificationViolation(req(), 'Approve', 'ok')).toBeNull();
    expect(decisionJustificationViolation(req({ approverJustificationRequired: false }), 'Deny', undefined)).toBeNull();
  });
});

group('who hears of an activation (activationNotices)', () => {
  const withNotes = (patch: Partial<typeof DEFAULT_SETTINGS.notifications>) => ({
    ...DEFAULT_SETTINGS,
    notifications: { ...DEFAULT_SETTINGS.notifications, ...patch },
  });

  it('"Admins: activation": the scope\'s administrators but the requester, and the additional recipients', () => {
    const n = activationNotices(tenant(), withNotes({ additionalRecipients: ['secops@x.test'] }), U.jen, PROD, NOW);
    expect(n).toEqual({ requesterEmail: true, adminUserIds: [U.steve], extraEmails: ['secops@x.test'] });
    expect(activationNotices(tenant(), DEFAULT_SETTINGS, U.steve, PROD, NOW).adminUserIds).toEqual([]);
  });

  it('each line off is honoured', () => {
    const n = activationNotices(
      tenant(),
      withNotes({ adminOnActivation: false, requestorOnActivation: false, additionalRecipients: ['a@x.test'] }),
      U.jen,
      PROD,
      NOW,
    );
    expect(n).toEqual({ requesterEmail: false, adminUserIds: [], extraEmails: [] });
  });
});
