import { describe as group, expect, it } from 'vitest';
import {
  activationOptions,
  blueWidgetCo,
  buildPolicyIndex,
  BWC,
  DEFAULT_SETTINGS,
  describe,
  evaluateActivation,
  MFA_FRESHNESS_MINUTES,
  ROLE_IDS,
  type ActivationInput,
  type RequestFact,
  type ScheduleFact,
  type TenantSnapshot,
  type ViolationCode,
} from './index';

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const MIN = 60_000;
const { users: U, schedules: S } = BWC;

function tenant(edit: (s: TenantSnapshot) => void = () => {}) {
  const s = blueWidgetCo(NOW);
  edit(s);
  return buildPolicyIndex(s);
}
const base: ActivationInput = {
  userId: U.jen,
  eligibilityId: S.jenOwnerEligible,
  scopeId: BWC.rg('finance-test'),
  startAt: NOW,
  durationMinutes: 60,
  justification: 'why',
  mfaVerifiedAt: NOW,
  now: NOW,
};
function codes(index = tenant(), input: Partial<ActivationInput> = {}): ViolationCode[] {
  const r = evaluateActivation(index, { ...base, ...input });
  return r.ok ? [] : r.violations.map((v) => v.code);
}
const eligibility = (s: TenantSnapshot) => s.schedules.find((x) => x.id === S.jenOwnerEligible)!;
const names = { scope: (id: string) => id.split('/').pop()!, role: () => 'Owner', principal: (p: { id: string }) => p.id };

group('evaluateActivation', () => {
  it('accepts a valid request', () => expect(codes()).toEqual([]));

  it('duration bounds: 5 min minimum, governing maximum', () => {
    expect(codes(undefined, { durationMinutes: 5 })).toEqual([]);
    expect(codes(undefined, { durationMinutes: 4 })).toEqual(['duration-under-minimum']);
    expect(codes(undefined, { durationMinutes: 480 })).toEqual([]);
    expect(codes(undefined, { durationMinutes: 481 })).toEqual(['duration-over-maximum']);
    expect(codes(undefined, { durationMinutes: Number.NaN })).toEqual(['duration-under-minimum']);
    const r = evaluateActivation(tenant(), { ...base, durationMinutes: 481 });
    if (r.ok) throw new Error('expected violation');
    expect(describe(r.violations[0], names)).toBe('8 h is the maximum here');
    const u = evaluateActivation(tenant(), { ...base, durationMinutes: 1 });
    if (!u.ok) expect(describe(u.violations[0], names)).toBe('Duration must be at least 5 minutes');
  });

  it('justification, ticket and MFA requirements of the activation scope', () => {
    const idx = tenant((s) =>
      s.settings.push({
        scopeId: BWC.rg('finance-test'),
        roleId: ROLE_IDS.owner,
        settings: { ...DEFAULT_SETTINGS, activationRequireTicket: true },
      }),
    );
    expect(codes(idx, { justification: '  ', mfaVerifiedAt: null })).toEqual(['justification-required', 'ticket-required', 'mfa-required']);
    expect(codes(idx, { ticketNumber: 'INC1', ticketSystem: 'ServiceNow' })).toEqual([]);
    expect(codes(idx, { ticketNumber: 'INC1', ticketSystem: 'ServiceNow', mfaVerifiedAt: NOW - MFA_FRESHNESS_MINUTES * MIN })).toEqual([]);
    expect(codes(idx, { ticketNumber: 'INC1', ticketSystem: 'ServiceNow', mfaVerifiedAt: NOW - MFA_FRESHNESS_MINUTES * MIN - 1 })).toEqual([
      'mfa-required',
    ]);
    // no MFA/justification demanded → none needed
    const lax = tenant((s) =>
      s.settings.push({
        scopeId: BWC.rg('finance-test'),
        roleId: ROLE_IDS.owner,
        settings: { ...DEFAULT_SETTINGS, activationRequireMfa: false, activationRequireJustification: false },
      }),
    );
    expect(codes(lax, { justification: undefined, mfaVerifiedAt: null })).toEqual([]);
  });

  it('start in the past: 5 min skew allowed and treated as now', () => {
    const r = evaluateActivation(tenant(), { ...base, startAt: NOW - 5 * MIN });
    expect(r.ok && r.outcome).toEqual({ kind: 'active', startAt: NOW, endAt: NOW + 60 * MIN });
    expect(codes(undefined, { startAt: NOW - 5 * MIN - 1 })).toEqual(['start-in-past']);
  });

  it('scheduled start in the future keeps its window', () => {
    const r = evaluateActivation(tenant(), { ...base, startAt: NOW + 120 * MIN });
    expect(r.ok && r.outcome).toEqual({ kind: 'active', startAt: NOW + 120 * MIN, endAt: NOW + 180 * MIN });
  });

  it('caps the window at the eligibility end (rule 4)', () => {
    const idx = tenant((s) => {
      eligibility(s).endAt = NOW + 30 * MIN;
    });
    const r = evaluateActivation(idx, { ...base, durationMinutes: 60 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.outcome.endAt).toBe(NOW + 30 * MIN);
    expect(r.reasons.map((x) => x.code)).toContain('capped-at-eligibility-end');
    const opt = activationOptions(idx, U.jen, NOW)[0].scopes[0];
    expect(opt.maxDurationMinutes).toBe(30);
  });

  it('eligibility boundaries: exact end instant, not started, revoked', () => {
    expect(
      codes(
        tenant((s) => {
          eligibility(s).endAt = NOW;
        }),
      ),
    ).toEqual(['eligibility-expired']);
    expect(
      codes(
        tenant((s) => {
          eligibility(s).endAt = NOW + 1;
        }),
        { durationMinutes: 5 },
      ),
    ).toEqual([]);
    const later = tenant((s) => {
      eligibility(s).startAt = NOW + 60 * MIN;
    });
    expect(codes(later)).toEqual(['eligibility-not-started']);
    expect(codes(later, { startAt: NOW + 60 * MIN })).toEqual([]);
    expect(
      codes(
        tenant((s) => {
          eligibility(s).revokedAt = NOW;
        }),
      ),
    ).toEqual(['eligibility-revoked']);
    expect(
      codes(
        tenant((s) => {
          eligibility(s).revokedAt = NOW + 10 * MIN;
        }),
      ),
    ).toEqual([]);
  });

  it('eligibility must exist, be eligible and reach the user', () => {
    expect(codes(undefined, { eligibilityId: 'nope' })).toEqual(['eligibility-not-found']);
    expect(codes(undefined, { eligibilityId: S.steveUaaActive })).toEqual(['eligibility-not-found']);
    expect(codes(undefined, { userId: U.sam })).toEqual(['eligibility-not-found']);
  });

  it('eligibility via group membership works, and leaving the group ends it', () => {
    const viaGroup = (member: boolean) =>
      tenant((s) => {
        s.groups.push({ id: 'g-fin', name: 'Finance admins', memberIds: member ? [U.avery] : [] });
        s.schedules.push({ ...eligibility(s), id: 'g-elig', principal: { type: 'Group', id: 'g-fin' } });
      });
    expect(codes(viaGroup(true), { userId: U.avery, eligibilityId: 'g-elig' })).toEqual([]);
    expect(activationOptions(viaGroup(true), U.avery, NOW)[0].source).toEqual({
      memberType: 'Group',
      groupId: 'g-fin',
      groupName: 'Finance admins',
    });
    expect(codes(viaGroup(false), { userId: U.avery, eligibilityId: 'g-elig' })).toEqual(['eligibility-not-found']);
  });

  it('scope must exist, be managed and be under the eligibility', () => {
    expect(codes(undefined, { scopeId: '/subscriptions/x' })).toEqual(['scope-unknown']);
    expect(codes(undefined, { scopeId: BWC.root })).toEqual(['not-eligible-at-scope']);
    const unmanaged = tenant((s) => {
      s.resources.push({ id: '/subscriptions/other', parentId: null, kind: 'subscription', name: 'other', managed: false });
    });
    expect(codes(unmanaged, { scopeId: '/subscriptions/other' })).toEqual(['scope-not-managed', 'not-eligible-at-scope']);
    // case-insensitive ids
    expect(codes(undefined, { scopeId: BWC.rg('finance-test').toUpperCase() })).toEqual([]);
  });

  it('disabled or unknown principal', () => {
    expect(
      codes(
        tenant((s) => {
          s.users.find((u) => u.id === U.jen)!.disabled = true;
        }),
      ),
    ).toEqual(['principal-disabled']);
    expect(
      activationOptions(
        tenant((s) => {
          s.users.find((u) => u.id === U.jen)!.disabled = true;
        }),
        U.jen,
        NOW,
      ),
    ).toEqual([]);
    expect(codes(undefined, { userId: 'ghost' })).toEqual(['principal-not-found', 'eligibility-not-found']);
  });

  it('rule 5: overlapping activation for the same role and scope, not elsewhere', () => {
    const active = (start: number, end: number, scopeId = BWC.rg('finance-test'), revokedAt: number | null = null): ScheduleFact => ({
      id: 'act',
      kind: 'active',
      principal: { type: 'User', id: U.jen },
      roleId: ROLE_IDS.owner,
      scopeId,
      startAt: start,
      endAt: end,
      revokedAt,
      origin: 'activated',
      linkedEligibilityId: S.jenOwnerEligible,
    });
    expect(
      codes(
        tenant((s) => {
          s.schedules.push(active(NOW - MIN, NOW + MIN));
        }),
      ),
    ).toEqual(['overlapping-activation']);
    expect(
      codes(
        tenant((s) => {
          s.schedules.push(active(NOW - 60 * MIN, NOW));
        }),
      ),
    ).toEqual([]); // ended exactly now
    expect(
      codes(
        tenant((s) => {
          s.schedules.push(active(NOW + 60 * MIN, NOW + 90 * MIN));
        }),
      ),
    ).toEqual([]); // back-to-back
    expect(
      codes(
        tenant((s) => {
          s.schedules.push(active(NOW + 59 * MIN, NOW + 90 * MIN));
        }),
      ),
    ).toEqual(['overlapping-activation']);
    expect(
      codes(
        tenant((s) => {
          s.schedules.push(active(NOW - MIN, NOW + MIN, BWC.rg('finance-dev')));
        }),
      ),
    ).toEqual([]);
    expect(
      codes(
        tenant((s) => {
          s.schedules.push(active(NOW - MIN, NOW + MIN, undefined, NOW));
        }),
      ),
    ).toEqual([]); // deactivated
  });

  it('rule 5: a pending SelfActivate blocks a second one until it times out or is decided', () => {
    const req = (status: RequestFact['status'], deadline: number): RequestFact => ({
      id: 'r1',
      kind: 'assignment',
      requestType: 'SelfActivate',
      status,
      requesterId: U.jen,
      principal: { type: 'User', id: U.jen },
      roleId: ROLE_IDS.owner,
      scopeId: BWC.rg('finance-test'),
      startAt: NOW,
      endAt: NOW + 60 * MIN,
      createdAt: NOW - MIN,
      approvalDeadline: deadline,
      approvers: [],
      linkedEligibilityId: S.jenOwnerEligible,
      targetScheduleId: null,
    });
    expect(
      codes(
        tenant((s) => {
          s.requests.push(req('PendingApproval', NOW + 1));
        }),
      ),
    ).toEqual(['pending-request-exists']);
    expect(
      codes(
        tenant((s) => {
          s.requests.push(req('PendingApproval', NOW));
        }),
      ),
    ).toEqual([]);
    for (const st of ['Denied', 'Canceled', 'Provisioned', 'Failed'] as const) {
      expect(
        codes(
          tenant((s) => {
            s.requests.push(req(st, NOW + 1));
          }),
        ),
      ).toEqual([]);
    }
  });

  it('approval: named approvers, PIM admins fallback, blocked when only the requester could approve', () => {
    const settings = (approvers: { type: 'User' | 'Group'; id: string }[]) =>
      tenant((s) =>
        s.settings.push({
          scopeId: BWC.rg('finance-test'),
          roleId: ROLE_IDS.owner,
          settings: { ...DEFAULT_SETTINGS, approvalRequired: true, approvers },
        }),
      );
    const fallback = evaluateActivation(settings([]), base);
    expect(fallback.ok && fallback.outcome.kind === 'approval' && fallback.outcome.approverUserIds).toEqual([U.steve]);
    expect(codes(settings([{ type: 'User', id: U.jen }]))).toEqual(['no-approver']);
    // Steve, the only PIM admin, asking for himself: nobody else can approve
    const steve = tenant((s) => {
      s.schedules.push({ ...eligibility(s), id: 'steve-elig', principal: { type: 'User', id: U.steve } });
      s.settings.push({
        scopeId: BWC.rg('finance-test'),
        roleId: ROLE_IDS.owner,
        settings: { ...DEFAULT_SETTINGS, approvalRequired: true },
      });
    });
    expect(codes(steve, { userId: U.steve, eligibilityId: 'steve-elig' })).toEqual(['no-approver']);
    const opt = activationOptions(steve, U.steve, NOW)[0].scopes.find((x) => x.scopeId === BWC.rg('finance-test'))!;
    expect(opt.outcome.kind).toBe('blocked');
  });

  it('collects every violation at once', () => {
    expect(
      codes(undefined, { durationMinutes: 2000, justification: '', mfaVerifiedAt: null, startAt: NOW - 60 * MIN, scopeId: BWC.root }),
    ).toEqual(['not-eligible-at-scope', 'start-in-past', 'duration-over-maximum', 'justification-required', 'mfa-required']);
  });
});
