import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import * as s from '@/db/schema';
import { hasRole, ROLE_IDS } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { freshDb } from '@/tests/support/db';
import { submitActivation } from './submit';
import { provisionApprovedRequest } from './provision';
import { sweepEndingSoon } from './sweep';
import { myRequests } from './requests-query';
import { eligibilityOf, HOUR, MIN, RG, user } from './test-support';

vi.mock('@/lib/notify/deliver', () => ({ scheduleDelivery: () => {} }));

let env: ReturnType<typeof freshDb>;
afterEach(() => env?.close());

function setup() {
  env = freshDb();
  const { db, ids, now } = env;
  const jen = user(db, ids.jen);
  const elig = eligibilityOf(db, ids.jen);
  const request = (scope: string, extra: { startAt?: number; durationMinutes?: number } = {}) => {
    const r = submitActivation(
      db,
      jen,
      {
        durationMinutes: extra.durationMinutes ?? 120,
        startAt: extra.startAt,
        justification: 'Prod incident',
        eligibilityId: elig.id,
        scopeIds: [scope],
        mfaVerifiedAt: now,
      },
      now,
    ).requests[0];
    return db.select().from(s.requests).where(eq(s.requests.id, r.requestId)).get()!;
  };
  const avery = { id: ids.avery, name: 'Avery' };
  const approve = (row: s.RequestRow, at: number) => db.transaction((tx) => provisionApprovedRequest(tx, row, at, avery));
  return { db, ids, now, jen, elig, request, approve };
}

describe('provisionApprovedRequest (rule 6 and rule 4)', () => {
  it('an approved activation starts at approval and lasts the requested duration; Jen is told', () => {
    const { db, ids, now, request, approve, elig } = setup();
    const row = request(RG('finance-prod'));
    const out = approve(row, now + HOUR);
    expect(out).toMatchObject({ status: 'Provisioned', startAt: now + HOUR, endAt: now + 3 * HOUR });
    const sched = db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.requestId, row.id)).get()!;
    expect(sched).toMatchObject({ origin: 'activated', linkedEligibilityId: elig.id, startAt: now + HOUR, endAt: now + 3 * HOUR });
    expect(db.select().from(s.requests).where(eq(s.requests.id, row.id)).get()).toMatchObject({
      status: 'Provisioned',
      targetScheduleId: sched.id,
      completedAt: now + HOUR,
    });
    expect(hasRole(policyIndex(db), { type: 'User', id: ids.jen }, ROLE_IDS.owner, RG('finance-prod'), now + HOUR)).toBe(true);
    const note = db.select().from(s.notifications).where(eq(s.notifications.userId, ids.jen)).get()!;
    expect(note).toMatchObject({ kind: 'request-approved', link: `/requests/${row.id}` });
    expect(note.body).toContain('Avery approved');
  });

  it('a later requested start wins over the approval time', () => {
    const { now, request, approve } = setup();
    const row = request(RG('finance-prod'), { startAt: now + 5 * HOUR });
    expect(approve(row, now + HOUR)).toMatchObject({ startAt: now + 5 * HOUR, endAt: now + 7 * HOUR });
  });

  it('never outlives the eligibility', () => {
    const { db, now, request, approve, elig } = setup();
    const row = request(RG('finance-prod'), { durationMinutes: 480 });
    db.transaction((tx) => {
      tx.update(s.eligibilitySchedules)
        .set({ endAt: now + 3 * HOUR })
        .where(eq(s.eligibilitySchedules.id, elig.id))
        .run();
    });
    expect(approve(row, now + HOUR)).toMatchObject({ status: 'Provisioned', startAt: now + HOUR, endAt: now + 3 * HOUR });
  });

  it('an eligibility removed while the request waited: Failed with the reason, nothing granted', () => {
    const { db, ids, now, request, approve, elig } = setup();
    const row = request(RG('finance-prod'));
    db.transaction((tx) => {
      tx.update(s.eligibilitySchedules)
        .set({ revokedAt: now + MIN })
        .where(eq(s.eligibilitySchedules.id, elig.id))
        .run();
    });
    const out = approve(row, now + HOUR);
    expect(out).toMatchObject({ status: 'Failed' });
    expect(db.select().from(s.requests).where(eq(s.requests.id, row.id)).get()!.failureReason).toMatch(/removed/);
    expect(db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.requestId, row.id)).all()).toHaveLength(0);
    expect(hasRole(policyIndex(db), { type: 'User', id: ids.jen }, ROLE_IDS.owner, RG('finance-prod'), now + HOUR)).toBe(false);
  });
});

describe('statuses follow time', () => {
  it('a pending request reads TimedOut after its deadline with no job having run', () => {
    const { db, ids, now, request } = setup();
    const row = request(RG('finance-prod'));
    expect(myRequests(db, ids.jen, now + 23 * HOUR).items[0].status).toBe('PendingApproval');
    expect(myRequests(db, ids.jen, now + 24 * HOUR).items[0].status).toBe('TimedOut');
    expect(db.select().from(s.requests).where(eq(s.requests.id, row.id)).get()!.status).toBe('PendingApproval');
    expect(myRequests(db, ids.jen, now + 24 * HOUR, { status: 'pending' }).total).toBe(0);
  });

  it('sweepEndingSoon tells the holder once, 15 minutes before the end', () => {
    const { db, ids, now, jen, elig } = setup();
    submitActivation(
      db,
      jen,
      { durationMinutes: 60, justification: 'x', eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaVerifiedAt: now },
      now,
    );
    expect(sweepEndingSoon(db, now + 30 * MIN)).toBe(0);
    expect(sweepEndingSoon(db, now + 46 * MIN)).toBe(1);
    expect(sweepEndingSoon(db, now + 50 * MIN)).toBe(0);
    expect(sweepEndingSoon(db, now + 61 * MIN)).toBe(0);
    const notes = db.select().from(s.notifications).where(eq(s.notifications.userId, ids.jen)).all();
    expect(notes.map((n) => n.kind)).toEqual(['activation-ending']);
    expect(notes[0].title).toBe('Owner on finance-test ends soon');
  });
});

describe('rule 4 at approval time', () => {
  it('a SelfExtend aimed at an activation that was already waiting is Failed with the reason, never provisioned', () => {
    const { db, ids, now, request, approve } = setup();
    approve(request(RG('finance-prod')), now);
    const act = db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.principalId, ids.jen)).get()!;
    const id = crypto.randomUUID();
    db.insert(s.requests)
      .values({
        id,
        kind: 'assignment',
        requestType: 'SelfExtend',
        status: 'PendingApproval',
        requesterId: ids.jen,
        principalType: 'User',
        principalId: ids.jen,
        roleId: ROLE_IDS.owner,
        scopeId: RG('finance-prod'),
        justification: 'longer',
        startAt: act.startAt,
        endAt: now + 180 * 86_400_000,
        approvalRequired: true,
        approvalDeadline: now + 86_400_000,
        targetScheduleId: act.id,
        createdAt: now,
        channel: 'api',
      })
      .run();
    const row = db.select().from(s.requests).where(eq(s.requests.id, id)).get()!;
    const out = approve(row, now + MIN);
    expect(out.status).toBe('Failed');
    expect(out.status === 'Failed' && out.reason).toMatch(
      /An activation of Owner on .*finance-prod cannot be extended: activate again instead/,
    );
    expect(db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.id, act.id)).get()!.endAt).toBe(now + 2 * HOUR);
  });

  it('an approved SelfExtend that moves an eligibility end earlier ends its activations with it', () => {
    const { db, ids, now, request, approve, elig } = setup();
    approve(request(RG('finance-prod')), now);
    const id = crypto.randomUUID();
    db.insert(s.requests)
      .values({
        id,
        kind: 'eligibility',
        requestType: 'SelfExtend',
        status: 'PendingApproval',
        requesterId: ids.jen,
        principalType: 'User',
        principalId: ids.jen,
        roleId: ROLE_IDS.owner,
        scopeId: elig.scopeId,
        justification: 'x',
        startAt: elig.startAt,
        endAt: now + HOUR,
        approvalRequired: true,
        approvalDeadline: now + 86_400_000,
        targetScheduleId: elig.id,
        createdAt: now,
        channel: 'portal',
      })
      .run();
    const out = approve(db.select().from(s.requests).where(eq(s.requests.id, id)).get()!, now + MIN);
    expect(out.status).toBe('Provisioned');
    expect(db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.linkedEligibilityId, elig.id)).get()!.endAt).toBe(
      now + HOUR,
    );
  });
});
