import { describe as group, expect, it } from 'vitest';
import {
  activationOptions,
  blueWidgetCo,
  buildPolicyIndex,
  BWC,
  DAY_MS,
  describe,
  formatMinutes,
  managementAccess,
  ROLE_IDS,
  type Reason,
  type TenantSnapshot,
  type Violation,
} from './index';

const NOW = Date.UTC(2025, 0, 15, 9, 0);
const { users: U, schedules: S } = BWC;
function tenant(edit: (s: TenantSnapshot) => void = () => {}) {
  const s = blueWidgetCo(NOW);
  edit(s);
  return buildPolicyIndex(s);
}
const names = {
  scope: (id: string) => id.split('/').pop()!,
  role: (id: string) => (id === ROLE_IDS.owner ? 'Owner' : id),
  principal: (p: { id: string }) => p.id.replace('user-', ''),
};

group('activationOptions details', () => {
  it('scopeLimit keeps the top of the subtree and says it truncated', () => {
    const [opt] = activationOptions(tenant(), U.jen, NOW, { scopeLimit: 4 });
    expect(opt.truncated).toBe(true);
    expect(opt.scopes.map((s) => s.scopeId)).toEqual([
      BWC.subscription,
      BWC.rg('finance-test'),
      BWC.rg('finance-dev'),
      BWC.rg('finance-prod'),
    ]);
    expect(activationOptions(tenant(), U.jen, NOW)[0].truncated).toBe(false);
  });
  it('a scheduled eligibility is listed with its status; an expired one is not', () => {
    const later = tenant((s) => {
      const e = s.schedules.find((x) => x.id === S.jenOwnerEligible)!;
      e.startAt = NOW + DAY_MS;
    });
    expect(activationOptions(later, U.jen, NOW)[0].status).toBe('Scheduled');
    const gone = tenant((s) => {
      s.schedules.find((x) => x.id === S.jenOwnerEligible)!.endAt = NOW;
    });
    expect(activationOptions(gone, U.jen, NOW)).toEqual([]);
  });
  it('management access via an active Owner held by a group', () => {
    const idx = tenant((s) => {
      s.groups.push({ id: 'g', name: 'ops', memberIds: [U.avery] });
      s.schedules.push({
        id: 'x',
        kind: 'active',
        principal: { type: 'Group', id: 'g' },
        roleId: ROLE_IDS.owner,
        scopeId: BWC.rg('finance-dev'),
        startAt: NOW - 1,
        endAt: NOW + DAY_MS,
        revokedAt: null,
        origin: 'assigned',
        linkedEligibilityId: null,
      });
    });
    const m = managementAccess(idx, U.avery, BWC.vm('finance-dev', 1), NOW);
    expect(m.reasons).toEqual([
      { code: 'management-role', roleId: ROLE_IDS.owner, scopeId: BWC.rg('finance-dev'), scheduleId: 'x', groupId: 'g' },
    ]);
    expect(managementAccess(idx, U.avery, BWC.rg('finance-test'), NOW).allowed).toBe(false);
  });
});

group('describe', () => {
  it.each<[Reason | Violation, string]>([
    [
      { code: 'approval-required', scopeId: BWC.rg('finance-prod'), roleId: ROLE_IDS.owner },
      'Owner on finance-prod needs approval (settings of finance-prod)',
    ],
    [{ code: 'duration-over-maximum', limit: 480 }, '8 h is the maximum here'],
    [{ code: 'duration-under-minimum', limit: 5 }, 'Duration must be at least 5 minutes'],
    [
      { code: 'no-approver', scopeId: BWC.subscription, roleId: ROLE_IDS.owner },
      'Owner on 5e1f0c4a-2b7d-4c1e-9a3b-6d8f0e2a1c55 needs approval but nobody other than you can approve it',
    ],
    [{ code: 'not-in-extend-window', value: 'permanent' }, 'A permanent assignment cannot be extended'],
    [{ code: 'pim-admin', principal: { type: 'User', id: U.steve } }, 'steve is a PIM administrator'],
    [
      { code: 'weaker-setting', setting: 'activationMaxMinutes', value: 600, parentValue: 90, scopeId: 'a/vm', parentScopeId: 'a' },
      'activation maximum is 10 h on vm but 1 h 30 min on a',
    ],
  ])('%j', (r, text) => expect(describe(r, names)).toBe(text));
  it('formats minutes', () => {
    expect([formatMinutes(1), formatMinutes(45), formatMinutes(60), formatMinutes(1440)]).toEqual([
      '1 minute',
      '45 minutes',
      '1 h',
      '24 h',
    ]);
  });
});

group('index robustness', () => {
  it('a parent cycle does not hang the build', () => {
    const idx = tenant((s) => {
      s.resources.push({ id: '/a', parentId: '/b', kind: 'resourceGroup', name: 'a', managed: false });
      s.resources.push({ id: '/b', parentId: '/a', kind: 'resourceGroup', name: 'b', managed: false });
    });
    expect(idx.resources.get('/a')!.depth).toBeLessThan(3);
    expect(idx.resources.get(BWC.vm('finance-dev', 1))!.depth).toBe(3);
  });
});

group('approvedActivationWindow (rule 6)', () => {
  it('starts at approval or requested start, keeps the duration asked for, capped at the eligibility end', async () => {
    const { approvedActivationWindow } = await import('./index');
    const idx = tenant((s) => {
      s.schedules.find((x) => x.id === S.jenOwnerEligible)!.endAt = NOW + 3 * 3_600_000;
    });
    const elig = idx.schedules.get(S.jenOwnerEligible)!;
    expect(approvedActivationWindow(NOW, 60, NOW + 60_000, elig)).toEqual({ startAt: NOW + 60_000, endAt: NOW + 3_660_000, capped: false });
    expect(approvedActivationWindow(NOW + 7_200_000, 60, NOW, elig)).toEqual({
      startAt: NOW + 7_200_000,
      endAt: NOW + 10_800_000,
      capped: false,
    });
    expect(approvedActivationWindow(NOW, 60, NOW + 2.5 * 3_600_000, elig)).toEqual({
      startAt: NOW + 2.5 * 3_600_000,
      endAt: NOW + 3 * 3_600_000,
      capped: true,
    });
  });
});
