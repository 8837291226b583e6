import { afterEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import * as s from '@/db/schema';
import { deliveryIdle } from '@/lib/notify/deliver';
import { decide, decideMany, decisionHistory, pendingApprovals, requestDetail } from './index';
import { refusal, rg, SUB, setOwnerApproval, submitActivation, userRow } from './test-support';

const MIN = 60_000;
let env: ReturnType<typeof freshDb>;
afterEach(async () => {
  await deliveryIdle();
  env?.close();
});

/** Owner requires MFA to approve (its default): the approver's MFA moment, as a step-up token or a code just confirmed gives it */
const mfa = (at: number) => ({ mfaVerifiedAt: at });

const activeOwner = (db: typeof env.db, userId: string, scopeId: string) =>
  db
    .select()
    .from(s.assignmentSchedules)
    .where(and(eq(s.assignmentSchedules.principalId, userId), eq(s.assignmentSchedules.scopeId, scopeId)))
    .all();

describe('decide', () => {
  it('approval makes the activation active at once, starting at approval, and tells Jen', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now, { durationMinutes: 120 });
    expect(pendingApprovals(db, ids.avery, now + MIN).map((i) => i.id)).toEqual([req.id]);

    const approvedAt = now + 10 * MIN;
    const { request, decision } = decide(
      db,
      userRow(db, ids.avery),
      { requestId: req.id, decision: 'Approve', justification: 'Quarter-end fix agreed' },
      approvedAt,
      mfa(approvedAt),
    );
    expect(request.status).toBe('Provisioned');
    expect(decision).toMatchObject({
      approverId: ids.avery,
      decision: 'Approve',
      justification: 'Quarter-end fix agreed',
      decidedAt: approvedAt,
    });
    const [schedule] = activeOwner(db, ids.jen, rg('finance-prod'));
    expect(schedule).toMatchObject({ origin: 'activated', startAt: approvedAt, endAt: approvedAt + 120 * MIN });
    expect(pendingApprovals(db, ids.avery, approvedAt)).toEqual([]);
    const audit = db
      .select()
      .from(s.auditEvents)
      .where(eq(s.auditEvents.requestId, req.id))
      .all()
      .map((a) => a.action);
    expect(audit).toContain('Request approved');
    const note = db
      .select()
      .from(s.notifications)
      .where(and(eq(s.notifications.userId, ids.jen), eq(s.notifications.requestId, req.id)))
      .all();
    expect(note.map((n) => n.kind)).toContain('request-approved');
  });

  it('a later requested start is kept when approval comes earlier', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now, { startAt: now + 3 * 60 * MIN, durationMinutes: 60 });
    decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'ok' }, now + 5 * MIN, mfa(now + 5 * MIN));
    expect(activeOwner(db, ids.jen, rg('finance-prod'))[0]).toMatchObject({ startAt: now + 3 * 60 * MIN, endAt: now + 4 * 60 * MIN });
  });

  it('denial tells Jen with the approver justification and grants nothing', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, SUB, now);
    const { request } = decide(
      db,
      userRow(db, ids.avery),
      { requestId: req.id, decision: 'Deny', justification: 'Use finance-prod instead' },
      now + MIN,
    );
    expect(request.status).toBe('Denied');
    expect(activeOwner(db, ids.jen, SUB)).toEqual([]);
    const note = db
      .select()
      .from(s.notifications)
      .where(and(eq(s.notifications.userId, ids.jen), eq(s.notifications.kind, 'request-denied')))
      .get()!;
    expect(note.body).toContain('Use finance-prod instead');
    expect(note.link).toBe(`/requests/${req.id}`);
    const mail = db
      .select()
      .from(s.emailOutbox)
      .where(and(eq(s.emailOutbox.to, 'jen@bluewidget.test'), eq(s.emailOutbox.requestId, req.id)))
      .get()!;
    expect(mail.subject).toBe('[Elevate] Denied: Owner on Tenant › Blue Widget Co');
  });

  it('the second decision gets "already approved by Avery at …", not an error page', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const at = Date.UTC(2026, 10, 27, 10, 4);
    decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'ok' }, at, mfa(at));
    const e = refusal(() =>
      decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Deny', justification: 'double click' }, at + 1000),
    );
    expect(e.code).toBe('AlreadyDecided');
    expect(e.message).toBe('Already approved by Avery at 27 Nov 2026 10:04 UTC');
    expect(db.select().from(s.approvalDecisions).where(eq(s.approvalDecisions.requestId, req.id)).all()).toHaveLength(1);
  });

  it('a decision row committed by another connection is reported as already decided (unique index)', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    db.insert(s.approvalDecisions)
      .values({ id: 'other', requestId: req.id, approverId: ids.steve, decision: 'Deny', justification: 'x', decidedAt: now })
      .run();
    const e = refusal(() =>
      decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'ok' }, now + MIN, mfa(now + MIN)),
    );
    expect(e.code).toBe('AlreadyDecided');
    expect(e.message).toMatch(/^Already denied by Steve Admin at /);
    expect(activeOwner(db, ids.jen, rg('finance-prod'))).toEqual([]);
  });

  it('requires the approver justification when the settings snapshot asks for it, and not otherwise', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const e = refusal(() => decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: '  ' }, now + MIN));
    expect(e.code).toBe('InvalidRequest');
    expect(e.fieldErrors?.justification?.[0]).toMatch(/justification is required/);
    expect(db.select().from(s.approvalDecisions).all()).toEqual([]);

    setOwnerApproval(db, SUB, [ids.avery], { approverJustificationRequired: false });
    const lax = submitActivation(db, ids.jen, SUB, now);
    expect(decide(db, userRow(db, ids.avery), { requestId: lax.id, decision: 'Approve' }, now + MIN, mfa(now)).request.status).toBe(
      'Provisioned',
    );
  });

  it('Jen cannot decide her own request even when she is a named approver', () => {
    env = freshDb();
    const { db, ids, now } = env;
    setOwnerApproval(db, rg('finance-prod'), [ids.jen, ids.avery]);
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    expect(pendingApprovals(db, ids.jen, now)).toEqual([]);
    const e = refusal(() => decide(db, userRow(db, ids.jen), { requestId: req.id, decision: 'Approve', justification: 'mine' }, now + MIN));
    expect(e.code).toBe('AuthorizationFailed');
    expect(e.message).toContain('You cannot approve your own request');
    expect(pendingApprovals(db, ids.avery, now).map((i) => i.id)).toEqual([req.id]);
    const own = requestDetail(db, ids.jen, req.id, now)!;
    expect(own.canDecide).toBe(false);
    expect(own.decideReasons).toContain('You cannot approve your own request');
  });

  it('with approval required and no approver named, Steve (PIM administrator) decides and Avery does not', () => {
    env = freshDb();
    const { db, ids, now } = env;
    setOwnerApproval(db, rg('finance-prod'), []);
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    expect(pendingApprovals(db, ids.avery, now)).toEqual([]);
    expect(pendingApprovals(db, ids.steve, now).map((i) => i.id)).toEqual([req.id]);
    const e = refusal(() => decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'x' }, now + MIN));
    expect(e.message).toContain('You are not an approver of this request');
    const d = requestDetail(db, ids.steve, req.id, now)!;
    expect(d.approvalReasons).toContain('Steve Admin approves as PIM administrator (no approvers named)');
    expect(d.item.approverNames).toEqual(['Tenant PIM administrators (Steve Admin)']);
    expect(
      decide(
        db,
        userRow(db, ids.steve),
        { requestId: req.id, decision: 'Approve', justification: 'PIM admin ok' },
        now + MIN,
        mfa(now + MIN),
      ).request.status,
    ).toBe('Provisioned');
  });

  it('someone who is not an approver is refused and nothing is written', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const e = refusal(() => decide(db, userRow(db, ids.sam), { requestId: req.id, decision: 'Approve', justification: 'x' }, now + MIN));
    expect(e.code).toBe('AuthorizationFailed');
    expect(db.select().from(s.approvalDecisions).all()).toEqual([]);
  });

  it('bulk: each request settles on its own and already-decided ones are reported', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const a = submitActivation(db, ids.jen, SUB, now);
    const b = submitActivation(db, ids.jen, rg('finance-prod'), now);
    decide(db, userRow(db, ids.avery), { requestId: a.id, decision: 'Deny', justification: 'not now' }, now + MIN);
    const results = decideMany(
      db,
      userRow(db, ids.avery),
      { requestIds: [a.id, b.id], decision: 'Approve', justification: 'batch' },
      now + 2 * MIN,
      mfa(now + 2 * MIN),
    );
    expect(results).toEqual([
      { requestId: a.id, ok: false, code: 'AlreadyDecided', message: expect.stringMatching(/^Already denied by Avery at /) },
      { requestId: b.id, ok: true, message: 'Approved', status: 'Provisioned' },
    ]);
    const history = decisionHistory(db, ids.avery, { now: now + 3 * MIN });
    expect(history.total).toBe(2);
    expect(history.items.map((h) => [h.id, h.decision])).toEqual([
      [b.id, 'Approve'],
      [a.id, 'Deny'],
    ]);
  });

  it('detail explains why approval is needed and what Jen already holds there', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const d = requestDetail(db, ids.avery, req.id, now + MIN)!;
    expect(d.approvalReasons).toContain(
      'Owner on Tenant › Blue Widget Co › finance-prod needs approval (settings of Tenant › Blue Widget Co › finance-prod)',
    );
    expect(d.canDecide).toBe(true);
    expect(d.decideReasons).toEqual(['Avery is a named approver']);
    expect(d.held).toEqual([
      expect.objectContaining({ kind: 'eligible', role: 'Owner', from: 'Tenant › Blue Widget Co', how: 'inherited' }),
    ]);
    expect(d.item).toMatchObject({
      requester: { name: 'Jen' },
      scope: { path: 'Tenant › Blue Widget Co › finance-prod' },
      justificationRequired: true,
    });
    expect(requestDetail(db, ids.sam, req.id, now)).toBeNull();
  });
});
