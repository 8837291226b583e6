import { afterEach, describe, expect, it, vi } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { hasRole, ROLE_IDS } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { freshDb } from '@/tests/support/db';
import { submitActivation, submitActivations, validateActivation } from './submit';
import { codeAt, counts, refused, eligibilityOf, HOUR, MIN, RG, SUB, setSettings, user, VM } from './test-support';

// e-mail delivery runs after commit and is lib/notify's concern, not these tests'
vi.mock('@/lib/notify/deliver', () => ({ scheduleDelivery: () => {} }));

let env: ReturnType<typeof freshDb>;
afterEach(() => env?.close());

function setup() {
  env = freshDb();
  const { db, ids, now } = env;
  return { db, ids, now, jen: user(db, ids.jen), sam: user(db, ids.sam), elig: eligibilityOf(db, ids.jen) };
}

const base = { durationMinutes: 60, justification: 'Deploy hotfix' };

describe('submitActivation: the seed story', () => {
  it('Jen activates Owner on finance-test: active at once, in her effective access the moment it returns', () => {
    const { db, jen, elig, now } = setup();
    const res = submitActivation(
      db,
      jen,
      { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: codeAt(now), sessionId: 'sess-1' },
      now,
    );
    expect(res.requests).toHaveLength(1);
    const [r] = res.requests;
    expect(r.status).toBe('Provisioned');
    expect(r.endAt - r.startAt).toBe(60 * MIN);
    const sched = db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.id, r.scheduleId!)).get()!;
    expect(sched).toMatchObject({
      origin: 'activated',
      linkedEligibilityId: elig.id,
      principalId: jen.id,
      scopeId: RG('finance-test'),
      startAt: now,
      endAt: now + HOUR,
    });
    expect(hasRole(policyIndex(db), { type: 'User', id: jen.id }, ROLE_IDS.owner, VM('finance-test', 'vm1'), now)).toBe(true);
    const req = db.select().from(s.requests).where(eq(s.requests.id, r.requestId)).get()!;
    expect(req).toMatchObject({
      requestType: 'SelfActivate',
      status: 'Provisioned',
      mfaVerifiedAt: now,
      linkedEligibilityId: elig.id,
      targetScheduleId: r.scheduleId,
      justification: 'Deploy hotfix',
    });
    expect(JSON.parse(req.settingsSnapshot!).settings.activationMaxMinutes).toBe(480);
    expect(
      db
        .select()
        .from(s.auditEvents)
        .where(eq(s.auditEvents.requestId, r.requestId))
        .all()
        .map((a) => a.action),
    ).toEqual(['Role activated']);
    // the session is MFA-verified now: a second activation in the same session asks no code
    const again = submitActivation(
      db,
      jen,
      { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-dev')], sessionId: 'sess-1' },
      now + 2 * MIN,
    );
    expect(again.requests[0].status).toBe('Provisioned');
  });

  it('finance-test and finance-dev together: both active at once, one batch', () => {
    const { db, jen, elig, now } = setup();
    const res = submitActivation(
      db,
      jen,
      { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test'), RG('finance-dev')], mfaCode: codeAt(now) },
      now,
    );
    expect(res.requests.map((r) => r.status)).toEqual(['Provisioned', 'Provisioned']);
    expect(res.batchId).toBeTruthy();
    const rows = db.select().from(s.requests).where(eq(s.requests.batchId, res.batchId!)).all();
    expect(rows.map((r) => r.scopeId).sort()).toEqual([RG('finance-dev'), RG('finance-test')]);
  });

  it('finance-prod: pending, with Avery as approver, a deadline, and Avery notified', () => {
    const { db, jen, elig, now, ids } = setup();
    const res = submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-prod')], mfaCode: codeAt(now) }, now);
    const [r] = res.requests;
    expect(r).toMatchObject({
      status: 'PendingApproval',
      approverUserIds: [ids.avery],
      approvalDeadline: now + 24 * HOUR,
      scheduleId: null,
    });
    expect(db.select().from(s.requestApprovers).where(eq(s.requestApprovers.requestId, r.requestId)).all()).toEqual([
      { requestId: r.requestId, principalType: 'User', principalId: ids.avery },
    ]);
    const note = db.select().from(s.notifications).where(eq(s.notifications.userId, ids.avery)).get()!;
    expect(note).toMatchObject({ kind: 'approval-requested', link: `/approvals/${r.requestId}`, requestId: r.requestId });
    expect(note.title).toContain('finance-prod');
    expect(db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.principalId, jen.id)).all()).toHaveLength(0);
    expect(hasRole(policyIndex(db), { type: 'User', id: jen.id }, ROLE_IDS.owner, RG('finance-prod'), now)).toBe(false);
  });

  it('the subscription: pending too (its own settings require approval)', () => {
    const { db, jen, elig, now } = setup();
    const res = submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [SUB], mfaCode: codeAt(now) }, now);
    expect(res.requests[0].status).toBe('PendingApproval');
  });

  it('one submission can come back partly active and partly pending', () => {
    const { db, jen, elig, now } = setup();
    const res = submitActivation(
      db,
      jen,
      {
        ...base,
        eligibilityId: elig.id,
        scopeIds: [RG('finance-test'), RG('finance-prod'), VM('finance-prod', 'vm1')],
        mfaCode: codeAt(now),
      },
      now,
    );
    const byScope = Object.fromEntries(res.requests.map((r) => [r.scopeId, r.status]));
    // rule 9: the VM under finance-prod has no explicit settings, so it activates at once
    expect(byScope).toEqual({
      [RG('finance-test')]: 'Provisioned',
      [RG('finance-prod')]: 'PendingApproval',
      [VM('finance-prod', 'vm1')]: 'Provisioned',
    });
  });

  it('Sam activates Contributor on finance-dev', () => {
    const { db, sam, now, ids } = setup();
    const elig = eligibilityOf(db, ids.sam, ROLE_IDS.contributor);
    const res = submitActivation(db, sam, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-dev')], mfaCode: codeAt(now) }, now);
    expect(res.requests[0].status).toBe('Provisioned');
    expect(hasRole(policyIndex(db), { type: 'User', id: sam.id }, ROLE_IDS.contributor, RG('finance-dev'), now)).toBe(true);
  });

  it('several eligible roles in one go share one justification and one MFA step', () => {
    const { db, now, ids } = setup();
    // give Sam a second eligibility so he can multi-select
    db.transaction((tx) => {
      tx.insert(s.eligibilitySchedules)
        .values({
          id: 'sam-owner-test',
          principalType: 'User',
          principalId: ids.sam,
          roleId: ROLE_IDS.owner,
          scopeId: RG('finance-test'),
          startAt: now,
          endAt: now + 30 * 24 * HOUR,
          createdAt: now,
          updatedAt: now,
        })
        .run();
    });
    const contributor = eligibilityOf(db, ids.sam, ROLE_IDS.contributor);
    const res = submitActivations(
      db,
      user(db, ids.sam),
      [
        { eligibilityId: contributor.id, scopeIds: [RG('finance-dev')] },
        { eligibilityId: 'sam-owner-test', scopeIds: [RG('finance-test')] },
      ],
      { ...base, mfaCode: codeAt(now) },
      now,
    );
    expect(res.requests.map((r) => [r.roleId, r.status])).toEqual([
      [ROLE_IDS.contributor, 'Provisioned'],
      [ROLE_IDS.owner, 'Provisioned'],
    ]);
    expect(db.select().from(s.auditEvents).where(eq(s.auditEvents.action, 'MFA verified')).all()).toHaveLength(1);
  });

  it('a later start makes a scheduled activation', () => {
    const { db, jen, elig, now } = setup();
    const res = submitActivation(
      db,
      jen,
      { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], startAt: now + 2 * HOUR, mfaCode: codeAt(now) },
      now,
    );
    expect(res.requests[0]).toMatchObject({ status: 'Provisioned', startAt: now + 2 * HOUR, endAt: now + 3 * HOUR });
    expect(hasRole(policyIndex(db), { type: 'User', id: jen.id }, ROLE_IDS.owner, RG('finance-test'), now)).toBe(false);
    expect(hasRole(policyIndex(db), { type: 'User', id: jen.id }, ROLE_IDS.owner, RG('finance-test'), now + 2 * HOUR)).toBe(true);
  });
});

describe('submitActivation: bad input writes nothing and says why, on the field', () => {
  it('a duration over the maximum', () => {
    const { db, jen, elig, now } = setup();
    const before = counts(db);
    const e = refused(() =>
      submitActivation(
        db,
        jen,
        { ...base, durationMinutes: 481, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: codeAt(now) },
        now,
      ),
    );
    expect(e.code).toBe('PolicyViolation');
    expect(e.fieldErrors?.durationMinutes).toEqual(['8 h is the maximum here']);
    expect(counts(db)).toEqual(before);
  });

  it('a scope outside the eligibility', () => {
    const { db, sam, now, ids } = setup();
    const elig = eligibilityOf(db, ids.sam, ROLE_IDS.contributor);
    const before = counts(db);
    const e = refused(() =>
      submitActivation(db, sam, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: codeAt(now) }, now),
    );
    expect(e.fieldErrors?.scopeIds?.[0]).toMatch(/Contributor eligibility does not reach .*finance-test/);
    expect(counts(db)).toEqual(before);
  });

  it('a missing justification, and a missing ticket where the settings ask for one', () => {
    const { db, jen, elig, now } = setup();
    setSettings(db, RG('finance-dev'), ROLE_IDS.owner, { activationRequireTicket: true }, now);
    const before = counts(db);
    const e = refused(() =>
      submitActivation(
        db,
        jen,
        { durationMinutes: 60, justification: '  ', eligibilityId: elig.id, scopeIds: [RG('finance-dev')], mfaCode: codeAt(now) },
        now,
      ),
    );
    expect(e.fieldErrors?.justification?.[0]).toMatch(/justification is required for Owner on .*finance-dev/);
    expect(e.fieldErrors?.ticketNumber?.[0]).toMatch(/Ticket information is required/);
    expect(counts(db)).toEqual(before);
  });

  it('a wrong TOTP code is refused and the right one then accepted', () => {
    const { db, jen, elig, now } = setup();
    const before = counts(db);
    const wrong = codeAt(now) === '000000' ? '111111' : '000000';
    const e = refused(() =>
      submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-dev')], mfaCode: wrong }, now),
    );
    expect(e.code).toBe('InvalidMfaCode');
    expect(e.fieldErrors?.mfaCode?.[0]).toMatch(/not right/);
    expect(counts(db)).toEqual(before);
    const ok = submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-dev')], mfaCode: codeAt(now) }, now);
    expect(ok.requests[0].status).toBe('Provisioned');
  });

  it('a code already used is refused', () => {
    const { db, jen, elig, now } = setup();
    const code = codeAt(now);
    submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: code }, now);
    const before = counts(db);
    const e = refused(() =>
      submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-dev')], mfaCode: code }, now + 5_000),
    );
    expect(e.fieldErrors?.mfaCode?.[0]).toMatch(/already used/);
    expect(counts(db)).toEqual(before);
  });

  it('no code at all when MFA is required asks for it', () => {
    const { db, jen, elig, now } = setup();
    const before = counts(db);
    const e = refused(() => submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')] }, now));
    expect(e.code).toBe('MfaRequired');
    expect(e.fieldErrors?.mfaCode).toBeDefined();
    expect(counts(db)).toEqual(before);
  });

  it('a refused submission does not spend the MFA code', () => {
    const { db, jen, elig, now } = setup();
    const code = codeAt(now);
    refused(() =>
      submitActivation(
        db,
        jen,
        { ...base, durationMinutes: 9999, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: code },
        now,
      ),
    );
    expect(
      submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: code }, now).requests,
    ).toHaveLength(1);
  });

  it('a double submit: the second gets a clear error and writes nothing', () => {
    const { db, jen, elig, now } = setup();
    const input = { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], sessionId: 's' };
    submitActivation(db, jen, { ...input, mfaCode: codeAt(now) }, now);
    const before = counts(db);
    const e = refused(() => submitActivation(db, jen, input, now + 1_000));
    expect(e.fieldErrors?.scopeIds?.[0]).toMatch(/already active in that window/);
    expect(counts(db)).toEqual(before);
    // and a pending one is not requested twice either
    submitActivation(db, jen, { ...input, scopeIds: [RG('finance-prod')] }, now + 2_000);
    const e2 = refused(() => submitActivation(db, jen, { ...input, scopeIds: [RG('finance-prod')] }, now + 3_000));
    expect(e2.fieldErrors?.scopeIds?.[0]).toMatch(/already pending/);
  });

  it('all or nothing: one bad scope stops the whole submission, and every problem is listed per scope', () => {
    const { db, jen, elig, now } = setup();
    submitActivation(
      db,
      jen,
      { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: codeAt(now), sessionId: 's' },
      now,
    );
    setSettings(db, RG('finance-dev'), ROLE_IDS.owner, { activationMaxMinutes: 30 }, now);
    const before = counts(db);
    const e = refused(() =>
      submitActivation(
        db,
        jen,
        { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test'), RG('finance-dev'), RG('finance-prod')], sessionId: 's' },
        now + MIN,
      ),
    );
    expect(e.fieldErrors?.scopeIds).toEqual([expect.stringMatching(/^Owner on finance-test: .*already active/)]);
    expect(e.fieldErrors?.durationMinutes).toEqual(['Owner on finance-dev: 30 minutes is the maximum here']);
    expect(counts(db)).toEqual(before);
  });

  it('a form left open after the eligibility was removed', () => {
    const { db, jen, elig, now } = setup();
    db.transaction((tx) => {
      tx.update(s.eligibilitySchedules)
        .set({ revokedAt: now - MIN })
        .where(eq(s.eligibilitySchedules.id, elig.id))
        .run();
    });
    const before = counts(db);
    const e = refused(() =>
      submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: codeAt(now) }, now),
    );
    expect(e.message).toMatch(/eligible assignment for Owner was removed|No such eligible assignment/);
    expect(counts(db)).toEqual(before);
  });

  it("someone else's eligibility is not found", () => {
    const { db, sam, elig, now } = setup();
    const e = refused(() =>
      submitActivation(db, sam, { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-test')], mfaCode: codeAt(now) }, now),
    );
    expect(e.message).toMatch(/No such eligible assignment for you/);
  });

  it('no scope chosen', () => {
    const { db, jen, elig, now } = setup();
    expect(
      refused(() => submitActivation(db, jen, { ...base, eligibilityId: elig.id, scopeIds: [] }, now)).fieldErrors?.scopeIds,
    ).toBeDefined();
  });
});

describe('validateActivation', () => {
  it('answers like submit without writing anything', () => {
    const { db, jen, elig, now } = setup();
    const before = counts(db);
    const v = validateActivation(
      db,
      jen,
      { ...base, eligibilityId: elig.id, scopeIds: [RG('finance-prod'), RG('finance-test')], mfaVerifiedAt: now },
      now,
    );
    expect(v.ok).toBe(true);
    expect(v.evaluations.map((e) => e.result.ok && e.result.outcome.kind)).toEqual(['approval', 'active']);
    const bad = validateActivation(db, jen, { ...base, durationMinutes: 600, eligibilityId: elig.id, scopeIds: [RG('finance-test')] }, now);
    expect(bad.ok).toBe(false);
    expect(bad.violations.map((x) => x.code).sort()).toEqual(['duration-over-maximum', 'mfa-required']);
    expect(counts(db)).toEqual(before);
    expect(db.get<{ n: number }>(sql`SELECT count(*) AS n FROM requests WHERE request_type = 'SelfActivate'`)!.n).toBe(0);
  });
});

describe('messages for several scopes', () => {
  it('say a shared problem once, naming every scope', () => {
    const { db, jen, elig, now } = setup();
    const e = refused(() =>
      submitActivation(
        db,
        jen,
        { durationMinutes: 600, eligibilityId: elig.id, scopeIds: [RG('finance-test'), RG('finance-dev')], mfaVerifiedAt: now },
        now,
      ),
    );
    expect(e.fieldErrors?.durationMinutes).toEqual(['8 h is the maximum here (Owner on finance-test and Owner on finance-dev)']);
    expect(e.fieldErrors?.justification).toEqual(['A justification is required for Owner on finance-test and Owner on finance-dev']);
  });
});
