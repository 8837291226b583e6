import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshDb } from '@/tests/support/db';
import { isElevateError } from '@/lib/errors';
import { submitActivation } from './submit';
import { submitSelfRequest } from './self';
import { myRoles } from './my-roles';
import { requestDetail, myRequests } from './requests-query';
import { inbox, markRead } from './inbox';
import { eligibilityOf, HOUR, MIN, RG, SUB, user } from './test-support';

vi.mock('@/lib/notify/deliver', () => ({ scheduleDelivery: () => {} }));

let env: ReturnType<typeof freshDb>;
afterEach(() => env?.close());

function setup() {
  env = freshDb();
  const { db, ids, now } = env;
  const jen = user(db, ids.jen);
  const elig = eligibilityOf(db, ids.jen);
  const activate = (scope: string, at = now) =>
    submitActivation(db, jen, { durationMinutes: 60, justification: 'x', eligibilityId: elig.id, scopeIds: [scope], mfaVerifiedAt: at }, at)
      .requests[0];
  return { db, ids, now, jen, elig, activate };
}

describe('myRoles', () => {
  it("Eligible shows Jen's Owner of the subscription with its own settings' outcome, and how many scopes lie below", () => {
    const { db, jen, now } = setup();
    const data = myRoles(db, jen, now);
    expect(data.eligible).toHaveLength(1);
    expect(data.eligiblePage).toEqual({ next: null, prev: null, count: 1, more: false });
    const row = data.eligible[0];
    expect(row).toMatchObject({ roleName: 'Owner', scopeId: SUB, source: { memberType: 'Direct' }, canExtend: false, status: 'Active' });
    expect(row.crumbs.map((c) => c.name)).toEqual(['Tenant', 'Blue Widget Co']);
    // the subscription itself, evaluated by its own settings: approval by Avery
    expect(row.scope).toMatchObject({
      id: SUB,
      name: 'Blue Widget Co',
      inherited: false,
      explicit: true,
      path: 'Tenant › Blue Widget Co',
      requires: { mfa: true, justification: true, ticket: false },
    });
    expect(row.scope!.outcome).toEqual({ kind: 'approval', approvers: ['Avery'], byPimAdmins: false, timeoutMinutes: 1440 });
    // 3 resource groups and 6 VMs below, counted in SQL (the dialog loads them a level at a time)
    expect(row.scopesBelow).toEqual({ count: 9, more: false });
    expect(data.active).toHaveLength(0);
    expect(data.mfaEnrolled).toBe(true);
  });

  it('Active offers Deactivate for activations only; Expired lists what ended, with Activate again', () => {
    const { db, ids, now, activate } = setup();
    const r = activate(RG('finance-test'));
    const jenNow = myRoles(db, { id: ids.jen }, now + MIN);
    expect(jenNow.active).toEqual([
      expect.objectContaining({ origin: 'activated', canDeactivate: true, canExtend: false, endAt: now + HOUR }),
    ]);
    const sam = myRoles(db, { id: ids.sam }, now);
    expect(sam.active).toEqual([
      expect.objectContaining({ roleName: 'Reader', origin: 'assigned', canDeactivate: false, canExtend: false }),
    ]);
    // 20 days later Sam's Reader ends within 14 days: Extend is offered
    expect(myRoles(db, { id: ids.sam }, now + 20 * 24 * HOUR).active[0].canExtend).toBe(true);
    // after the end: Expired, Renew offered within 30 days, not after
    expect(myRoles(db, { id: ids.sam }, now + 31 * 24 * HOUR).expired).toEqual([
      expect.objectContaining({ roleName: 'Reader', canRenew: true, status: 'Expired' }),
    ]);
    expect(myRoles(db, { id: ids.sam }, now + 61 * 24 * HOUR).expired).toEqual([]);
    const later = myRoles(db, { id: ids.jen }, now + 2 * HOUR);
    expect(later.active).toHaveLength(0);
    expect(later.expired).toEqual([
      expect.objectContaining({
        scheduleId: r.scheduleId,
        status: 'Expired',
        reactivate: {
          eligibilityId: r.eligibilityId,
          scopeId: RG('finance-test'),
          target: expect.objectContaining({
            roleName: 'Owner',
            scopeId: SUB,
            scope: expect.objectContaining({ outcome: expect.objectContaining({ kind: 'approval' }) }),
          }),
        },
      }),
    ]);
  });
});

describe('requestDetail and myRequests', () => {
  it('the timeline runs submitted → MFA verified → waiting; only people concerned may see it', () => {
    const { db, ids, now, activate } = setup();
    const r = activate(RG('finance-prod'));
    const d = requestDetail(db, ids.jen, r.requestId, now);
    expect(d.timeline.map((s) => s.key)).toEqual(['submitted', 'mfa', 'waiting', 'active']);
    expect(d.canCancel).toBe(true);
    expect(requestDetail(db, ids.avery, r.requestId, now).canDecide).toBe(true);
    expect(requestDetail(db, ids.steve, r.requestId, now).canDecide).toBe(false);
    let err: unknown;
    try {
      requestDetail(db, ids.sam, r.requestId, now);
    } catch (e) {
      err = e;
    }
    expect(isElevateError(err) && err.code).toBe('NotFound');
  });

  it("an activation's timeline ends when it is deactivated; lists show approvers and search", () => {
    const { db, ids, now, jen, activate } = setup();
    const r = activate(RG('finance-test'));
    activate(RG('finance-prod'));
    submitSelfRequest(db, jen, { requestType: 'SelfDeactivate', targetScheduleId: r.scheduleId! }, now + 5 * MIN);
    const d = requestDetail(db, ids.jen, r.requestId, now + 10 * MIN);
    expect(d.timeline.map((s) => [s.key, s.label])).toEqual([
      ['submitted', 'Submitted'],
      ['mfa', 'MFA verified'],
      ['active', 'Active'],
      ['ended', 'Deactivated'],
    ]);
    const list = myRequests(db, ids.jen, now + 10 * MIN);
    expect(list.total).toBe(3);
    expect(list.pendingCount).toBe(1);
    expect(myRequests(db, ids.jen, now, { q: 'finance-prod' }).items.map((i) => i.approvers)).toEqual([['Avery']]);
  });
});

describe('inbox', () => {
  it("counts unread, marks read only the caller's own", () => {
    const { db, ids, now, activate } = setup();
    activate(RG('finance-prod'));
    const a = inbox(db, ids.avery);
    expect(a.unread).toBe(1);
    expect(markRead(db, ids.jen, [a.items[0].id], now)).toBe(0);
    expect(inbox(db, ids.avery).unread).toBe(1);
    expect(markRead(db, ids.avery, undefined, now)).toBe(1);
    expect(inbox(db, ids.avery)).toMatchObject({ unread: 0, items: [expect.objectContaining({ read: true })] });
  });
});
