import { afterEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import * as s from '@/db/schema';
import { DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { totpCode } from '@/lib/auth/totp';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { deliveryIdle } from '@/lib/notify/deliver';
import { defaultSettingsFor, ROLE_IDS } from '@/lib/policy';
import { saveRoleSettings } from '@/lib/settings';
import { decide, decideMany, pendingApprovals, requestDetail } from './index';
import { refusal, rg, SUB, setOwnerApproval, submitActivation, userRow } from './test-support';

/**
 * Rule 11 on a real database: Owner on finance-prod requires MFA to approve (Owner's
 * default), so Avery confirms a fresh TOTP code with her approval. Without one, or with a
 * code already used, nothing is decided; one code covers a batch; denying needs none.
 */

const MIN = 60_000;
let env: ReturnType<typeof freshDb>;
afterEach(async () => {
  await deliveryIdle();
  env?.close();
});

const code = (at: number) => totpCode(DEMO_TOTP_SECRET, at);
const decisions = () => env.db.select().from(s.approvalDecisions).all();
const mfaAudits = (userId: string) =>
  env.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM audit_events WHERE action = 'MFA verified' AND actor_id = ${userId}`)!.n;
const activeAt = (userId: string, scopeId: string) =>
  env.db
    .select()
    .from(s.assignmentSchedules)
    .where(and(eq(s.assignmentSchedules.principalId, userId), eq(s.assignmentSchedules.scopeId, scopeId)))
    .all();

describe('approving with MFA (rule 11)', () => {
  it("refuses Avery's approval without a code, saying why; nothing is written", () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const e = refusal(() =>
      decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'Quarter-end fix agreed' }, now + MIN),
    );
    expect(e.code).toBe('MfaRequired');
    expect(e.message).toBe(
      'Owner on Tenant › Blue Widget Co › finance-prod requires MFA to approve: ' +
        'confirm with a code from your authenticator app (MFA counts for 10 minutes)',
    );
    expect(e.fieldErrors?.mfaCode).toEqual([e.message]);
    expect(e.details).toEqual([
      expect.objectContaining({ code: 'approval-mfa-required', setting: 'approvalRequireMfa', requestId: req.id, message: e.message }),
    ]);
    expect(decisions()).toEqual([]);
    expect(activeAt(ids.jen, rg('finance-prod'))).toEqual([]);
    // the queue and the detail say so before the click
    expect(pendingApprovals(db, ids.avery, now + MIN)[0].mfaToApprove).toBe(true);
    const d = requestDetail(db, ids.avery, req.id, now + MIN)!;
    expect(d.canDecide).toBe(true);
    expect(d.approvalReasons).toContain(
      "Approving needs the approver's MFA: Owner on Tenant › Blue Widget Co › finance-prod requires MFA to approve",
    );
  });

  it('accepts it with a fresh code, burns the code and audits the MFA moment with the decision', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const at = now + MIN;
    const { request } = decide(
      db,
      userRow(db, ids.avery),
      { requestId: req.id, decision: 'Approve', justification: 'ok', mfaCode: code(at) },
      at,
    );
    expect(request.status).toBe('Provisioned');
    expect(activeAt(ids.jen, rg('finance-prod'))).toHaveLength(1);
    expect(mfaAudits(ids.avery)).toBe(1);
    const approved = db
      .select()
      .from(s.auditEvents)
      .where(and(eq(s.auditEvents.requestId, req.id), eq(s.auditEvents.action, 'Request approved')))
      .get()!;
    expect(JSON.parse(approved.details!)).toMatchObject({ approverMfaVerifiedAt: at });
  });

  it("refuses a code already used (here: for Avery's previous approval in the same 30 seconds), and a wrong one", () => {
    env = freshDb();
    const { db, ids, now } = env;
    const first = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const second = submitActivation(db, ids.jen, SUB, now);
    const at = now + MIN;
    decide(db, userRow(db, ids.avery), { requestId: first.id, decision: 'Approve', justification: 'ok', mfaCode: code(at) }, at);
    const reused = refusal(() =>
      decide(db, userRow(db, ids.avery), { requestId: second.id, decision: 'Approve', justification: 'ok', mfaCode: code(at) }, at + 1000),
    );
    expect(reused.code).toBe('InvalidMfaCode');
    expect(reused.fieldErrors?.mfaCode).toEqual(['That code was already used. Wait for the next code and enter it.']);
    const wrong = String((Number(code(at + MIN)) + 500_000) % 1_000_000).padStart(6, '0');
    expect(
      refusal(() =>
        decide(db, userRow(db, ids.avery), { requestId: second.id, decision: 'Approve', justification: 'ok', mfaCode: wrong }, at + MIN),
      ).code,
    ).toBe('InvalidMfaCode');
    expect(decisions().map((d) => d.requestId)).toEqual([first.id]);
    // the next step's code goes through
    expect(
      decide(
        db,
        userRow(db, ids.avery),
        { requestId: second.id, decision: 'Approve', justification: 'ok', mfaCode: code(at + 2 * MIN) },
        at + 2 * MIN,
      ).request.status,
    ).toBe('Provisioned');
  });

  it('a code is not spent on a decision refused for another reason (missing justification)', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const at = now + MIN;
    expect(refusal(() => decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', mfaCode: code(at) }, at)).code).toBe(
      'InvalidRequest',
    );
    expect(mfaAudits(ids.avery)).toBe(0);
    expect(
      decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'ok', mfaCode: code(at) }, at).request
        .status,
    ).toBe('Provisioned');
  });

  it('denying needs no code', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    expect(
      decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Deny', justification: 'not now' }, now + MIN).request.status,
    ).toBe('Denied');
    expect(mfaAudits(ids.avery)).toBe(0);
  });

  it('where the setting is off, approving needs no code; the setting as captured at submission decides', () => {
    env = freshDb();
    const { db, ids, now } = env;
    setOwnerApproval(db, rg('finance-prod'), [ids.avery], { approvalRequireMfa: false });
    const off = submitActivation(db, ids.jen, rg('finance-prod'), now);
    expect(pendingApprovals(db, ids.avery, now)[0].mfaToApprove).toBe(false);
    // Steve turns it on afterwards (stronger, so his to do): the request keeps what it was submitted under
    saveRoleSettings(
      db,
      userRow(db, ids.steve),
      {
        scopeId: rg('finance-prod'),
        roleId: ROLE_IDS.owner,
        settings: { ...defaultSettingsFor(ROLE_IDS.owner), approvalRequired: true, approvers: [{ type: 'User', id: ids.avery }] },
      },
      now,
    );
    expect(
      decide(db, userRow(db, ids.avery), { requestId: off.id, decision: 'Approve', justification: 'ok' }, now + MIN).request.status,
    ).toBe('Provisioned');
    // a request from before the setting existed (no value in its snapshot) follows the current settings
    const old = submitActivation(db, ids.jen, SUB, now);
    const snap = JSON.parse(old.settingsSnapshot!);
    delete snap.settings.approvalRequireMfa;
    db.update(s.requests)
      .set({ settingsSnapshot: JSON.stringify(snap) })
      .where(eq(s.requests.id, old.id))
      .run();
    expect(
      refusal(() => decide(db, userRow(db, ids.avery), { requestId: old.id, decision: 'Approve', justification: 'ok' }, now + MIN)).code,
    ).toBe('MfaRequired');
  });

  it("a step-up moment the caller holds (an API step-up token's) counts inside the window only", () => {
    env = freshDb();
    const { db, ids, now } = env;
    const req = submitActivation(db, ids.jen, rg('finance-prod'), now);
    expect(
      refusal(() =>
        decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'ok' }, now + 11 * MIN, {
          mfaVerifiedAt: now,
        }),
      ).code,
    ).toBe('MfaRequired');
    expect(
      decide(db, userRow(db, ids.avery), { requestId: req.id, decision: 'Approve', justification: 'ok' }, now + 9 * MIN, {
        mfaVerifiedAt: now,
      }).request.status,
    ).toBe('Provisioned');
  });

  it("a code confirmed in a portal session covers that session's next approvals for the window, not another session's", () => {
    env = freshDb();
    const { db, ids, now } = env;
    const a = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const b = submitActivation(db, ids.jen, SUB, now);
    decide(db, userRow(db, ids.avery), { requestId: a.id, decision: 'Approve', justification: 'ok', mfaCode: code(now) }, now, {
      sessionId: 'avery-phone',
    });
    expect(sessionMfaVerifiedAt(db, ids.avery, 'avery-phone')).toBe(now);
    expect(
      refusal(() =>
        decide(db, userRow(db, ids.avery), { requestId: b.id, decision: 'Approve', justification: 'ok' }, now + 5 * MIN, {
          sessionId: 'avery-laptop',
        }),
      ).code,
    ).toBe('MfaRequired');
    expect(
      decide(db, userRow(db, ids.avery), { requestId: b.id, decision: 'Approve', justification: 'ok' }, now + 5 * MIN, {
        sessionId: 'avery-phone',
      }).request.status,
    ).toBe('Provisioned');
  });
});

describe('bulk approval with one code', () => {
  it('one code, verified once, covers every approval of the batch', () => {
    env = freshDb();
    const { db, ids, now } = env;
    const a = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const b = submitActivation(db, ids.jen, SUB, now);
    const at = now + MIN;
    const results = decideMany(
      db,
      userRow(db, ids.avery),
      { requestIds: [a.id, b.id], decision: 'Approve', justification: 'CHG-42', mfaCode: code(at) },
      at,
    );
    expect(results.map((r) => [r.requestId, r.ok, r.status])).toEqual([
      [a.id, true, 'Provisioned'],
      [b.id, true, 'Provisioned'],
    ]);
    expect(mfaAudits(ids.avery)).toBe(1);
  });

  it('without a code each approval that needs one is refused on its own; a wrong code decides nothing', () => {
    env = freshDb();
    const { db, ids, now } = env;
    setOwnerApproval(db, rg('finance-test'), [ids.avery], { approvalRequireMfa: false });
    const a = submitActivation(db, ids.jen, rg('finance-prod'), now);
    const b = submitActivation(db, ids.jen, rg('finance-test'), now);
    const c = submitActivation(db, ids.jen, SUB, now);
    const wrong = String((Number(code(now)) + 500_000) % 1_000_000).padStart(6, '0');
    expect(
      refusal(() =>
        decideMany(db, userRow(db, ids.avery), { requestIds: [a.id, c.id], decision: 'Approve', justification: 'x', mfaCode: wrong }, now),
      ).code,
    ).toBe('InvalidMfaCode');
    expect(decisions()).toEqual([]);
    const results = decideMany(db, userRow(db, ids.avery), { requestIds: [a.id, b.id], decision: 'Approve', justification: 'x' }, now);
    expect(results.map((r) => [r.ok, r.code ?? null])).toEqual([
      [false, 'MfaRequired'],
      [true, null],
    ]);
    expect(results[0].message).toMatch(/requires MFA to approve/);
  });
});
