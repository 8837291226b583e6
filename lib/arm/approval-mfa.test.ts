import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { assignmentSchedules, users } from '@/db/schema';
import { createStepUpToken } from '@/lib/tokens/tokens';
import { unusedCode } from '@/lib/tokens/test-support';
import { deliveryIdle } from '@/lib/notify/deliver';
import { rg as rgKey, SUB, submitActivation } from '@/lib/approvals/test-support';
import { freshDb } from '@/tests/support/db';
import { apiCall, rg, tokensFor, type Persona } from './lists.scenario';

/**
 * Rule 11 over the API, in-process: Owner on finance-prod requires MFA to approve (Owner's
 * default), so Avery's approval of Jen's activation needs a step-up token (ADR 060). With
 * her personal token it is refused in Azure's words (MfaRule) with how to step up; with a
 * step-up token it goes through. The setting shows in the role management policy as an
 * Elevate extension of the approval rule, and a PATCH changes it like any other setting.
 */

type Fresh = ReturnType<typeof freshDb>;
let t: Fresh;
let tokens: Record<Persona, string>;
beforeAll(() => {
  t = freshDb();
  tokens = tokensFor(t);
});
afterAll(async () => {
  await deliveryIdle();
  t?.close();
});

const stage = (id: string) =>
  `/providers/Microsoft.Authorization/roleAssignmentApprovals/${id}/stages/${id}?api-version=2021-01-01-preview`;
const stepUp = (who: Persona, at = t.now) => {
  const user = t.db.select().from(users).where(eq(users.id, t.ids[who])).get()!;
  return createStepUpToken(t.db, user, { code: unusedCode(t.db, user.id, at) }, at).token;
};
const policies = async (who: Persona, scope: string) =>
  (await apiCall(t, tokens[who], 'GET', `${scope}/providers/Microsoft.Authorization/roleManagementPolicies?api-version=2020-10-01`)).json
    .value as { name: string; properties: { displayName: string; rules: { id: string; setting?: Record<string, unknown> }[] } }[];
const approvalRule = (p: { properties: { rules: { id: string; setting?: Record<string, unknown> }[] } }) =>
  p.properties.rules.find((r) => r.id === 'Approval_EndUser_Assignment')!.setting!;

describe('approving over the API when the settings require MFA to approve', () => {
  it("a personal token is refused as Azure's MfaRule, saying how to step up; nothing is decided", async () => {
    const req = submitActivation(t.db, t.ids.jen, rgKey('finance-prod'), t.now);
    const r = await apiCall(t, tokens.avery, 'PUT', stage(req.id), {
      properties: { reviewResult: 'Approve', justification: 'Release window agreed' },
    });
    expect([r.status, r.json.error.code, r.json.error.message]).toEqual([
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["MfaRule"]',
    ]);
    expect(r.json.error.details).toEqual([
      {
        code: 'MfaRule',
        target: 'Approval_EndUser_Assignment',
        message:
          'Owner on Tenant › Blue Widget Co › finance-prod requires MFA to approve: ' +
          'confirm with a code from your authenticator app (MFA counts for 10 minutes)',
      },
      expect.objectContaining({ code: 'StepUpTokenRequired', target: '/api/tokens/step-up' }),
    ]);
    const still = await apiCall(t, tokens.avery, 'GET', stage(req.id));
    expect(still.json.properties).toMatchObject({ status: 'InProgress', reviewResult: 'NotReviewed', assignedToMe: true });

    // denying needs no step-up: a personal token does
    const other = submitActivation(t.db, t.ids.jen, SUB, t.now);
    const deny = await apiCall(t, tokens.avery, 'PATCH', stage(other.id), { reviewResult: 'Deny', justification: 'One at a time' });
    expect([deny.status, deny.json.properties.reviewResult]).toEqual([200, 'Deny']);
  });

  it("a step-up token approves: Jen's Owner on finance-prod is active", async () => {
    const [pending] = t.db
      .select()
      .from(assignmentSchedules)
      .where(and(eq(assignmentSchedules.principalId, t.ids.jen), eq(assignmentSchedules.scopeId, rgKey('finance-prod'))))
      .all();
    expect(pending).toBeUndefined();
    const req = (
      await apiCall(
        t,
        tokens.avery,
        'GET',
        '/providers/Microsoft.Authorization/roleAssignmentApprovals?api-version=2021-01-01-preview&$filter=asApprover()',
      )
    ).json.value[0];
    const ok = await apiCall(t, stepUp('avery'), 'PUT', stage(req.name), {
      properties: { reviewResult: 'Approve', justification: 'Release window agreed' },
    });
    expect([ok.status, ok.json.properties.status, ok.json.properties.reviewResult]).toEqual([200, 'Completed', 'Approve']);
    expect(
      t.db
        .select()
        .from(assignmentSchedules)
        .where(and(eq(assignmentSchedules.principalId, t.ids.jen), eq(assignmentSchedules.scopeId, rgKey('finance-prod'))))
        .all(),
    ).toHaveLength(1);
  });

  it('a step-up token past its ten minutes is no proof (it no longer authenticates)', async () => {
    const req = submitActivation(t.db, t.ids.jen, SUB, t.now + 1);
    const token = stepUp('avery', t.now + 60_000);
    const late = await apiCall(
      t,
      token,
      'PUT',
      stage(req.id),
      { reviewResult: 'Approve', justification: 'late' },
      t.now + 60_000 + 11 * 60_000,
    );
    expect(late.status).toBe(401);
  });
});

describe('the setting in the role management policy', () => {
  it("reads as isApproverMfaRequired beside Azure's approval fields: on for Owner and User Access Administrator by default, off for the others", async () => {
    const list = await policies('steve', rg('finance-dev'));
    const byRole = Object.fromEntries(list.map((p) => [p.properties.displayName, approvalRule(p).isApproverMfaRequired]));
    expect(byRole).toEqual({ Owner: true, 'User Access Administrator': true, Contributor: false, Reader: false });
    expect(approvalRule(list.find((p) => p.properties.displayName === 'Owner')!)).toMatchObject({
      isApprovalRequired: false,
      approvalMode: 'SingleStage',
    });
  });

  it('a PATCH turns it off where the caller holds nothing of the role; where they do, it is a weakening (rule 10)', async () => {
    const prodOwner = (await policies('steve', rg('finance-prod'))).find((p) => p.properties.displayName === 'Owner')!;
    const off = {
      properties: {
        rules: [
          { id: 'Approval_EndUser_Assignment', ruleType: 'RoleManagementPolicyApprovalRule', setting: { isApproverMfaRequired: false } },
        ],
      },
    };
    const patched = await apiCall(
      t,
      tokens.steve,
      'PATCH',
      `${rg('finance-prod')}/providers/Microsoft.Authorization/roleManagementPolicies/${prodOwner.name}?api-version=2020-10-01`,
      off,
    );
    expect(patched.status).toBe(200);
    expect(approvalRule(patched.json)).toMatchObject({ isApproverMfaRequired: false, isApprovalRequired: true });
    // Avery now approves with her personal token
    const req = submitActivation(t.db, t.ids.jen, rgKey('finance-prod'), t.now + 2 * 3_600_000, { durationMinutes: 30 });
    const ok = await apiCall(
      t,
      tokens.avery,
      'PUT',
      stage(req.id),
      { properties: { reviewResult: 'Approve', justification: 'ok' } },
      t.now + 2 * 3_600_000,
    );
    expect(ok.status).toBe(200);

    // Steve holds User Access Administrator on the subscription: not his to weaken below it
    const devUaa = (await policies('steve', rg('finance-dev'))).find((p) => p.properties.displayName === 'User Access Administrator')!;
    const refused = await apiCall(
      t,
      tokens.steve,
      'PATCH',
      `${rg('finance-dev')}/providers/Microsoft.Authorization/roleManagementPolicies/${devUaa.name}?api-version=2020-10-01`,
      off,
    );
    expect([refused.status, refused.json.error.message]).toEqual([400, 'The following policy rules failed: ["SeparationOfDutiesRule"]']);
    expect(refused.json.error.details[0]).toMatchObject({
      target: 'Approval_EndUser_Assignment',
      message: expect.stringMatching(/so you cannot stop requiring MFA to approve for User Access Administrator on .*finance-dev/),
    });
  });
});
