import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { freshDb } from '@/tests/support/db';
import { deliveryIdle } from '@/lib/notify/deliver';
import { DEMO_SUBSCRIPTION } from '@/db/seed/demo';
import * as s from '@/db/schema';
import { DEFAULT_SETTINGS, defaultSettingsFor, ROLE_IDS } from '@/lib/policy';
import { submitActivation } from '@/lib/activation/submit';
import { decide } from '@/lib/approvals/decide';
import { isElevateError, type ElevateError } from '@/lib/errors';
import { addApproverInTx, getRoleSettings, saveRoleSettings } from '@/lib/settings';
import { submitAdminRequest, type AdminRequestInput } from '.';

/**
 * Rule 10 and rule 4 through the portal's services, on a real database: Jen activates
 * Owner on finance-prod for 2 h (approved by Avery) and on finance-test for 1 h, which
 * gives her PIM management access there. She still cannot give herself anything, stretch
 * her activation or weaken the Owner settings; the engine's reason says who can.
 */

const DAY = 86_400_000;
const HOUR = 3_600_000;
const sub = DEMO_SUBSCRIPTION.toLowerCase();
const rg = (name: string) => `${sub}/resourcegroups/${name}`;
const vm2 = `${rg('finance-test')}/providers/microsoft.compute/virtualmachines/finance-test-vm2`;

let t: ReturnType<typeof freshDb>;
let prodActivation: string;
const user = (id: string) => t.db.select().from(s.users).where(eq(s.users.id, id)).get()!;
const counts = () =>
  ['requests', 'assignment_schedules', 'eligibility_schedules', 'audit_events', 'role_settings', 'role_setting_approvers'].map(
    (table) => t.db.get<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM ${table}`))!.n,
  );
function refused(fn: () => unknown): ElevateError {
  try {
    fn();
  } catch (e) {
    if (isElevateError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

beforeEach(() => {
  t = freshDb();
  const jen = user(t.ids.jen);
  const elig = t.db
    .select()
    .from(s.eligibilitySchedules)
    .where(and(eq(s.eligibilitySchedules.principalId, t.ids.jen), eq(s.eligibilitySchedules.roleId, ROLE_IDS.owner)))
    .get()!;
  const ask = (scope: string, minutes: number) =>
    submitActivation(
      t.db,
      jen,
      { eligibilityId: elig.id, scopeIds: [scope], durationMinutes: minutes, justification: 'Quarter close', mfaVerifiedAt: t.now },
      t.now,
    ).requests[0];
  const pending = ask(rg('finance-prod'), 120);
  decide(t.db, user(t.ids.avery), { requestId: pending.requestId, decision: 'Approve', justification: 'ok' }, t.now, {
    mfaVerifiedAt: t.now,
  });
  ask(rg('finance-test'), 60);
  prodActivation = t.db
    .select()
    .from(s.assignmentSchedules)
    .where(and(eq(s.assignmentSchedules.principalId, t.ids.jen), eq(s.assignmentSchedules.scopeId, rg('finance-prod'))))
    .get()!.id;
});
afterEach(async () => {
  await deliveryIdle();
  t.close();
});

const jenOwner = (over: Partial<AdminRequestInput>): AdminRequestInput => ({
  requestType: 'AdminAssign',
  kind: 'active',
  principal: { type: 'User', id: t.ids.jen },
  roleId: ROLE_IDS.owner,
  scopeId: rg('finance-prod'),
  startAt: t.now,
  endAt: t.now + 180 * DAY,
  justification: 'Need it longer',
  ...over,
});

describe('submitAdminRequest: rule 10 and rule 4', () => {
  it("refuses Jen's AdminUpdate of her own activation for 180 days, saying why and who can, and writes nothing", () => {
    const before = counts();
    const e = refused(() =>
      submitAdminRequest(t.db, user(t.ids.jen), jenOwner({ requestType: 'AdminUpdate', targetScheduleId: prodActivation }), t.now),
    );
    expect(e.code).toBe('PolicyViolation');
    expect(e.message).toContain(
      'You cannot change access for yourself (Owner on Tenant › Blue Widget Co › finance-prod); another administrator of',
    );
    expect(e.message).toMatch(/such as Steve Admin, can\./);
    expect(e.message).toMatch(
      /An activation of Owner on .*finance-prod cannot be changed: whoever holds it activates again instead \(at most 8 h at a time there\)\./,
    );
    expect(e.fieldErrors?.principalId?.[0]).toMatch(/^You cannot change access for yourself/);
    expect(counts()).toEqual(before);
  });

  it('refuses Jen an active Owner assignment for herself on finance-test-vm2, and lets her assign Sam', () => {
    const e = refused(() => submitAdminRequest(t.db, user(t.ids.jen), jenOwner({ scopeId: vm2 }), t.now));
    expect((e.details as { code: string }[]).map((d) => d.code)).toEqual(['self-grant']);
    expect(e.message).toMatch(
      /You cannot grant access for yourself \(Owner on .*finance-test-vm2\); another administrator of .*finance-test-vm2, such as Steve Admin, can\./,
    );
    const ok = submitAdminRequest(
      t.db,
      user(t.ids.jen),
      jenOwner({ principal: { type: 'User', id: t.ids.sam }, roleId: ROLE_IDS.reader, endAt: t.now + 30 * DAY }),
      t.now,
    );
    expect(ok.request.status).toBe('Provisioned');
  });

  it('a tenant PIM administrator is not exempt, and may still remove his own access', () => {
    const e = refused(() =>
      submitAdminRequest(
        t.db,
        user(t.ids.steve),
        { ...jenOwner({}), principal: { type: 'User', id: t.ids.steve }, kind: 'eligible' },
        t.now,
      ),
    );
    // Jen manages finance-prod by her activation: the engine names her
    expect(e.message).toMatch(/You cannot grant access for yourself .*; another administrator of .*finance-prod, such as Jen, can\./);
    const uaa = t.db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.principalId, t.ids.steve)).get()!;
    const removed = submitAdminRequest(
      t.db,
      user(t.ids.steve),
      {
        requestType: 'AdminRemove',
        kind: 'active',
        principal: { type: 'User', id: t.ids.steve },
        roleId: ROLE_IDS.userAccessAdministrator,
        scopeId: sub,
        startAt: t.now,
        endAt: null,
        justification: 'Leaving the team',
        targetScheduleId: uaa.id,
      },
      t.now,
    );
    expect(removed.request.status).toBe('Provisioned');
  });

  it('an activation is not stretched by another administrator either; it can be removed', () => {
    for (const requestType of ['AdminUpdate', 'AdminExtend'] as const) {
      const e = refused(() =>
        submitAdminRequest(
          t.db,
          user(t.ids.steve),
          jenOwner({ requestType, targetScheduleId: prodActivation, startAt: t.now, endAt: t.now + 10 * DAY }),
          t.now,
        ),
      );
      expect(
        (e.details as { code: string }[]).map((d) => d.code),
        requestType,
      ).toEqual(['activation-not-extendable']);
    }
    const row = () => t.db.select().from(s.assignmentSchedules).where(eq(s.assignmentSchedules.id, prodActivation)).get()!;
    expect(row().endAt).toBe(t.now + 2 * HOUR);
    submitAdminRequest(
      t.db,
      user(t.ids.steve),
      jenOwner({ requestType: 'AdminRemove', targetScheduleId: prodActivation, endAt: null }),
      t.now + HOUR,
    );
    expect(row().revokedAt).toBe(t.now + HOUR);
  });

  it("shortening Jen's eligibility ends her activations with it (rule 4)", () => {
    const elig = t.db.select().from(s.eligibilitySchedules).where(eq(s.eligibilitySchedules.principalId, t.ids.jen)).get()!;
    submitAdminRequest(
      t.db,
      user(t.ids.steve),
      {
        ...jenOwner({}),
        requestType: 'AdminUpdate',
        kind: 'eligible',
        scopeId: sub,
        targetScheduleId: elig.id,
        startAt: elig.startAt,
        endAt: t.now + 30 * 60_000,
      },
      t.now,
    );
    const ends = t.db
      .select()
      .from(s.assignmentSchedules)
      .where(eq(s.assignmentSchedules.linkedEligibilityId, elig.id))
      .all()
      .map((a) => a.endAt);
    expect(ends).toEqual([t.now + 30 * 60_000, t.now + 30 * 60_000]);
  });
});

describe('saveRoleSettings: rule 10', () => {
  const owner = (settings = getRoleSettings(t.db, rg('finance-prod'), ROLE_IDS.owner).settings) => settings;

  it('Jen (eligible Owner on the subscription) cannot turn off approval or raise the maximum for Owner on finance-prod; Steve can', () => {
    const before = counts();
    const e = refused(() =>
      saveRoleSettings(
        t.db,
        user(t.ids.jen),
        {
          scopeId: rg('finance-prod'),
          roleId: ROLE_IDS.owner,
          settings: { ...owner(), approvalRequired: false, activationMaxMinutes: 1440 },
        },
        t.now,
      ),
    );
    expect(e.code).toBe('PolicyViolation');
    expect(e.message).toMatch(
      new RegExp(
        '^You are eligible for Owner on Tenant › Blue Widget Co, so you cannot turn off approval and raise the activation maximum ' +
          'for Owner on .*finance-prod; another administrator of .*finance-prod, such as Steve Admin, can\\.$',
      ),
    );
    expect(counts()).toEqual(before);
    // stronger is fine, and Reader (which she does not hold) is hers to change
    saveRoleSettings(
      t.db,
      user(t.ids.jen),
      { scopeId: rg('finance-prod'), roleId: ROLE_IDS.owner, settings: { ...owner(), activationMaxMinutes: 120 } },
      t.now,
    );
    saveRoleSettings(
      t.db,
      user(t.ids.jen),
      { scopeId: rg('finance-prod'), roleId: ROLE_IDS.reader, settings: { ...DEFAULT_SETTINGS, activationRequireMfa: false } },
      t.now,
    );
    saveRoleSettings(
      t.db,
      user(t.ids.steve),
      { scopeId: rg('finance-prod'), roleId: ROLE_IDS.owner, settings: { ...owner(), approvalRequired: false } },
      t.now,
    );
    expect(owner().approvalRequired).toBe(false);
  });

  it('applying weaker settings to child scopes is refused where the actor holds the role', () => {
    const e = refused(() =>
      saveRoleSettings(
        t.db,
        user(t.ids.steve),
        {
          scopeId: sub,
          roleId: ROLE_IDS.userAccessAdministrator,
          applyToChildren: true,
          settings: { ...defaultSettingsFor(ROLE_IDS.userAccessAdministrator), activationRequireJustification: false },
        },
        t.now,
      ),
    );
    expect(e.message).toMatch(
      new RegExp(
        'You hold User Access Administrator on .*Blue Widget Co, so you cannot stop requiring a justification on activation ' +
          'for User Access Administrator on Tenant › Blue Widget Co; nobody else',
      ),
    );
    expect(e.message).toMatch(/on 9 scopes below .*Blue Widget Co/);
  });

  it('naming a new approver where approval is required, when the actor holds the role, is refused', () => {
    saveRoleSettings(
      t.db,
      user(t.ids.steve),
      {
        scopeId: sub,
        roleId: ROLE_IDS.userAccessAdministrator,
        settings: {
          ...defaultSettingsFor(ROLE_IDS.userAccessAdministrator),
          approvalRequired: true,
          approvers: [{ type: 'User', id: t.ids.avery }],
        },
      },
      t.now,
    );
    const e = refused(() =>
      t.db.transaction((tx) =>
        addApproverInTx(tx, user(t.ids.steve), sub, ROLE_IDS.userAccessAdministrator, { type: 'User', id: t.ids.sam }, t.now),
      ),
    );
    expect(e.message).toMatch(/so you cannot change who approves for User Access Administrator/);
    // on Owner, which Steve does not hold, he names whom he likes
    t.db.transaction((tx) => addApproverInTx(tx, user(t.ids.steve), sub, ROLE_IDS.owner, { type: 'User', id: t.ids.sam }, t.now));
    expect(getRoleSettings(t.db, sub, ROLE_IDS.owner).settings.approvers.map((a) => a.id)).toEqual([t.ids.avery, t.ids.sam]);
  });
});
