import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import * as s from '@/db/schema';
import { deliveryIdle } from '@/lib/notify/deliver';
import { cancelRequestAsAdmin, decide, pendingApprovals, pendingInScopesManagedBy, sweepTimeouts } from './index';
import { refusal, rg, SUB, setOwnerApproval, submitActivation, userRow } from './test-support';

const MIN = 60_000;
let env: ReturnType<typeof freshDb>;
afterEach(async () => {
  await deliveryIdle();
  env?.close();
});

describe('time-outs', () => {
  it('a request past its deadline leaves the queue and cannot be decided, before any sweep ran', () => {
    env = freshDb();
    const { db, ids, now } = env;
    setOwnerApproval(db, rg('finance-prod'), [ids.avery], { timeoutMinutes: 60 });
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    expect(pendingApprovals(db, ids.avery, now + 59 * MIN)).toHaveLength(1);
    expect(pendingApprovals(db, ids.avery, now + 60 * MIN)).toEqual([]);
    const e = refusal(() =>
      decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'late' }, now + 61 * MIN),
    );
    expect(e.code).toBe('AlreadyDecided');
    expect(e.message).toBe('This request timed out at 27 Nov 2026 10:00 UTC without a decision');
  });

  it('the sweep stores TimedOut once, audits it and tells the requester', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const other = submitActivation(db, ids.jen, SUB, now + 2 * 60 * MIN);
    const later = now + 24 * 60 * MIN + MIN;
    expect(sweepTimeouts(db, later)).toBe(1);
    expect(sweepTimeouts(db, later + MIN)).toBe(0);
    const row = db.select().from(s.requests).where(eq(s.requests.id, req.id)).get()!;
    expect(row).toMatchObject({ status: 'TimedOut', completedAt: req.approvalDeadline });
    expect(db.select().from(s.requests).where(eq(s.requests.id, other.id)).get()!.status).toBe('PendingApproval');
    expect(
      db
        .select()
        .from(s.auditEvents)
        .where(and(eq(s.auditEvents.requestId, req.id), eq(s.auditEvents.action, 'Request timed out')))
        .all(),
    ).toHaveLength(1);
    const notes = db
      .select()
      .from(s.notifications)
      .where(and(eq(s.notifications.userId, ids.jen), eq(s.notifications.kind, 'request-timed-out')))
      .all();
    expect(notes).toHaveLength(1);
    expect(notes[0].link).toBe(`/requests/${req.id}`);
  });
});

describe('administrators', () => {
  it('Steve sees pending requests in scopes he manages and cancels one with a justification', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    expect(pendingInScopesManagedBy(db, ids.steve, now).map((i) => i.id)).toEqual([req.id]);
    expect(pendingInScopesManagedBy(db, ids.avery, now)).toEqual([]);

    const noWhy = refusal(() => cancelRequestAsAdmin(db, userRow(db, ids.steve), { requestId: req.id, justification: ' ' }, now + MIN));
    expect(noWhy.fieldErrors?.justification).toBeDefined();
    const sam = refusal(() => cancelRequestAsAdmin(db, userRow(db, ids.sam), { requestId: req.id, justification: 'mine now' }, now + MIN));
    expect(sam.code).toBe('AuthorizationFailed');
    expect(sam.message).toBe('You do not have PIM management access on Tenant › Blue Widget Co › finance-prod');

    const at = Date.UTC(2026, 10, 27, 9, 30);
    const row = cancelRequestAsAdmin(db, userRow(db, ids.steve), { requestId: req.id, justification: 'Change freeze' }, at);
    expect(row).toMatchObject({ status: 'Canceled', canceledBy: ids.steve, canceledAt: at });
    expect(pendingApprovals(db, ids.avery, at)).toEqual([]);
    const e = refusal(() => decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'x' }, at + MIN));
    expect(e).toMatchObject({ code: 'AlreadyDecided', message: 'This request was canceled by Steve Admin at 27 Nov 2026 09:30 UTC' });
    const note = db
      .select()
      .from(s.notifications)
      .where(and(eq(s.notifications.userId, ids.jen), eq(s.notifications.kind, 'request-canceled')))
      .get()!;
    expect(note.body).toContain('Change freeze');
  });
});
