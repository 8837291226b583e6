import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import { hasRole, ROLE_IDS } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { freshDb } from '@/tests/support/db';
import { submitActivation } from './submit';
import { cancelOwnRequest, submitSelfRequest } from './self';
import { provisionApprovedRequest } from './provision';
import { counts, refused, DAY, eligibilityOf, HOUR, MIN, RG, user } from './test-support';

vi.mock('@/lib/notify/deliver', () => ({ scheduleDelivery: () => {} }));

let env: ReturnType<typeof freshDb>;
afterEach(() => env?.close());

function setup() {
  env = freshDb();
  const { db, ids, now } = env;
  const jen = user(db, ids.jen);
  const elig = eligibilityOf(db, ids.jen);
  const activate = (scope: string, at = now) =>
    submitActivation(
      db,
      jen,
      { durationMinutes: 120, justification: 'Fix', eligibilityId: elig.id, scopeIds: [scope], mfaVerifiedAt: at },
      at,
    ).requests[0];
  const samReader = db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.principalId, ids.sam)).get()!;
  return { db, ids, now, jen, sam: user(db, ids.sam), steve: user(db, ids.steve), elig, activate, samReader };
}

describe('SelfDeactivate', () => {
  it('ends an activation at once: gone from effective access, request Provisioned, audited', () => {
    const { db, jen, now, activate } = setup();
    const r = activate(RG('finance-test'));
    const res = submitSelfRequest(
      db,
      jen,
      { requestType: 'SelfDeactivate', targetScheduleId: r.scheduleId!, justification: 'Done early' },
      now + 10 * MIN,
    );
    expect(res.status).toBe('Provisioned');
    expect(hasRole(policyIndex(db), { type: 'User', id: jen.id }, ROLE_IDS.owner, RG('finance-test'), now + 10 * MIN)).toBe(false);
    const sched = db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.id, r.scheduleId!)).get()!;
    expect(sched).toMatchObject({ revokedAt: now + 10 * MIN, revokedBy: jen.id });
    expect(db.select().from(s.requests).where(eq(s.requests.id, res.requestId)).get()).toMatchObject({
      requestType: 'SelfDeactivate',
      status: 'Provisioned',
      targetScheduleId: r.scheduleId,
    });
    // the same role and scope can be activated again right away (rule 5 looks at live activations only)
    expect(activate(RG('finance-test'), now + 11 * MIN).status).toBe('Provisioned');
  });

  it('refuses twice, and refuses an admin assignment', () => {
    const { db, jen, sam, now, activate, samReader } = setup();
    const r = activate(RG('finance-test'));
    submitSelfRequest(db, jen, { requestType: 'SelfDeactivate', targetScheduleId: r.scheduleId! }, now + MIN);
    const before = counts(db);
    expect(
      refused(() => submitSelfRequest(db, jen, { requestType: 'SelfDeactivate', targetScheduleId: r.scheduleId! }, now + 2 * MIN)).message,
    ).toMatch(/Only an active or scheduled activation/);
    expect(
      refused(() => submitSelfRequest(db, sam, { requestType: 'SelfDeactivate', targetScheduleId: samReader.id }, now)).message,
    ).toMatch(/Only an active or scheduled activation/);
    // nobody deactivates another person's activation
    expect(
      refused(() => submitSelfRequest(db, sam, { requestType: 'SelfDeactivate', targetScheduleId: r.scheduleId! }, now)).message,
    ).toMatch(/does not exist/);
    expect(counts(db)).toEqual(before);
  });
});

describe('SelfExtend and SelfRenew', () => {
  it('extend: only within 14 days of the end; goes to the scope administrators; approval moves the end', () => {
    const { db, sam, ids, now, samReader } = setup();
    const before = counts(db);
    // Sam's Reader ends in 30 days: too early to extend
    expect(
      refused(() =>
        submitSelfRequest(
          db,
          sam,
          { requestType: 'SelfExtend', targetScheduleId: samReader.id, justification: 'Still on the project' },
          now,
        ),
      ).message,
    ).toMatch(/ending within 14 days/);
    expect(counts(db)).toEqual(before);
    const t = now + 20 * DAY;
    expect(
      refused(() => submitSelfRequest(db, sam, { requestType: 'SelfExtend', targetScheduleId: samReader.id }, t)).fieldErrors
        ?.justification?.[0],
    ).toMatch(/justification is required/i);
    const res = submitSelfRequest(
      db,
      sam,
      {
        requestType: 'SelfExtend',
        targetScheduleId: samReader.id,
        durationMinutes: (60 * DAY) / MIN,
        justification: 'Still on the project',
      },
      t,
    );
    expect(res.status).toBe('PendingApproval');
    expect(res.approverUserIds).toEqual([ids.steve]);
    expect(db.select().from(s.notifications).where(eq(s.notifications.userId, ids.steve)).get()).toMatchObject({
      kind: 'approval-requested',
      link: `/approvals/${res.requestId}`,
    });
    // one pending extension per assignment
    expect(
      refused(() =>
        submitSelfRequest(db, sam, { requestType: 'SelfExtend', targetScheduleId: samReader.id, justification: 'again' }, t + MIN),
      ).message,
    ).toMatch(/already pending/);

    const row = db.select().from(s.requests).where(eq(s.requests.id, res.requestId)).get()!;
    const out = db.transaction((tx) => provisionApprovedRequest(tx, row, t + HOUR, { id: ids.steve, name: 'Steve Admin' }));
    expect(out).toMatchObject({ status: 'Provisioned', endAt: t + 60 * DAY });
    expect(db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.id, samReader.id)).get()).toMatchObject({
      startAt: now,
      endAt: t + 60 * DAY,
    });
    expect(hasRole(policyIndex(db), { type: 'User', id: ids.sam }, ROLE_IDS.reader, RG('finance-dev'), now + 45 * DAY)).toBe(true);
  });

  it('renew: only within 30 days after the end; approval creates a new assignment from approval, the ended one kept as history (ADR 110)', () => {
    const { db, sam, ids, now, samReader } = setup();
    const ended = now + 30 * DAY;
    expect(
      refused(() =>
        submitSelfRequest(db, sam, { requestType: 'SelfRenew', targetScheduleId: samReader.id, justification: 'x' }, ended - DAY),
      ).message,
    ).toMatch(/ended within the last 30 days/);
    expect(
      refused(() =>
        submitSelfRequest(db, sam, { requestType: 'SelfRenew', targetScheduleId: samReader.id, justification: 'x' }, ended + 31 * DAY),
      ).message,
    ).toMatch(/ended within the last 30 days/);
    const t = ended + 2 * DAY;
    const res = submitSelfRequest(
      db,
      sam,
      { requestType: 'SelfRenew', targetScheduleId: samReader.id, durationMinutes: (10 * DAY) / MIN, justification: 'Back on the project' },
      t,
    );
    expect(res.status).toBe('PendingApproval');
    const row = db.select().from(s.requests).where(eq(s.requests.id, res.requestId)).get()!;
    const approvedAt = t + 5 * HOUR;
    const out = db.transaction((tx) => provisionApprovedRequest(tx, row, approvedAt, { id: ids.steve, name: 'Steve Admin' }));
    expect(out.status === 'Provisioned' && out.scheduleId).not.toBe(samReader.id);
    const renewed = out.status === 'Provisioned' ? out.scheduleId : '';
    expect(db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.id, renewed)).get()).toMatchObject({
      startAt: approvedAt,
      endAt: approvedAt + 10 * DAY,
      revokedAt: null,
      origin: 'assigned',
      requestId: row.id,
    });
    // the old window stays visible as it was
    expect(db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.id, samReader.id)).get()).toMatchObject({
      startAt: samReader.startAt,
      endAt: samReader.endAt,
      revokedAt: null,
    });
    expect(db.select().from(s.requests).where(eq(s.requests.id, row.id)).get()).toMatchObject({
      status: 'Provisioned',
      targetScheduleId: renewed,
    });
    expect(hasRole(policyIndex(db), { type: 'User', id: ids.sam }, ROLE_IDS.reader, RG('finance-dev'), approvedAt + MIN)).toBe(true);
  });

  it('a window longer than the settings allow is refused', () => {
    const { db, sam, now, samReader } = setup();
    const e = refused(() =>
      submitSelfRequest(
        db,
        sam,
        { requestType: 'SelfExtend', targetScheduleId: samReader.id, durationMinutes: (400 * DAY) / MIN, justification: 'x' },
        now + 20 * DAY,
      ),
    );
    expect(e.fieldErrors?.endAt?.[0]).toMatch(/at most 180 days/);
  });
});

describe('cancelOwnRequest', () => {
  it('cancels a pending request; a decided, timed-out or foreign one is refused clearly', () => {
    const { db, jen, sam, now, activate } = setup();
    const pending = activate(RG('finance-prod'));
    expect(refused(() => cancelOwnRequest(db, sam, pending.requestId, now)).code).toBe('NotFound');
    cancelOwnRequest(db, jen, pending.requestId, now + MIN);
    expect(db.select().from(s.requests).where(eq(s.requests.id, pending.requestId)).get()).toMatchObject({
      status: 'Canceled',
      canceledBy: jen.id,
      canceledAt: now + MIN,
    });
    expect(refused(() => cancelOwnRequest(db, jen, pending.requestId, now + 2 * MIN)).message).toMatch(/already been canceled/);
    // after cancel, the same scope can be requested again
    const again = activate(RG('finance-prod'), now + 3 * MIN);
    expect(again.status).toBe('PendingApproval');
    const before = counts(db);
    expect(refused(() => cancelOwnRequest(db, jen, again.requestId, now + 3 * MIN + 25 * HOUR)).message).toMatch(/already timed out/);
    expect(counts(db)).toEqual(before);
    const active = activate(RG('finance-test'));
    expect(refused(() => cancelOwnRequest(db, jen, active.requestId, now)).code).toBe('AlreadyDecided');
  });
});

describe('rule 4: an activation is never extended or renewed', () => {
  it("refuses Jen's SelfExtend of a live activation and SelfRenew of an ended one, with the engine's reason; nothing is written", () => {
    const { db, jen, now, activate } = setup();
    const r = activate(RG('finance-test'));
    const before = counts(db);
    const ext = refused(() =>
      submitSelfRequest(
        db,
        jen,
        { requestType: 'SelfExtend', targetScheduleId: r.scheduleId!, durationMinutes: (180 * DAY) / MIN, justification: 'Need it longer' },
        now + MIN,
      ),
    );
    expect(ext.message).toMatch(
      /An activation of Owner on .*finance-test cannot be extended: activate again instead \(at most 8 h at a time there\)/,
    );
    const ren = refused(() =>
      submitSelfRequest(db, jen, { requestType: 'SelfRenew', targetScheduleId: r.scheduleId!, justification: 'Again' }, now + 3 * HOUR),
    );
    expect(ren.message).toMatch(/cannot be renewed: activate again instead/);
    expect(counts(db)).toEqual(before);
  });
});
