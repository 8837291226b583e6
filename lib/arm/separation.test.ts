import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { assignmentSchedules, users } from '@/db/schema';
import { DEMO_TOTP_SECRET } from '@/db/seed/demo';
import { totpCode } from '@/lib/auth/totp';
import { deliveryIdle } from '@/lib/notify/deliver';
import { ROLE_IDS } from '@/lib/policy';
import { createStepUpToken } from '@/lib/tokens/tokens';
import { freshDb } from '@/tests/support/db';
import { apiCall, buildScenario, rg, SCOPES, vm, type Persona, type Scenario } from './lists.scenario';

/**
 * The issue, over the API in-process: Jen activated Owner on finance-prod for 2 h (approved
 * by Avery) and on finance-test for 1 h, so she manages there. With her plain API token she
 * tries to stretch her activation to 180 days and to give herself active Owner on
 * finance-test-vm2: both are refused in Azure's words (SeparationOfDutiesRule), with the
 * engine's reason naming who can. Activations are not stretched by anyone (rule 4), the
 * settings where she holds Owner are not hers to weaken, and the settings' "MFA on active
 * assignment" needs a step-up token over the API.
 */

const roleDef = (id: string) => `${SCOPES.sub}/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const put = (scope: string, collection: 'roleAssignmentScheduleRequests' | 'roleEligibilityScheduleRequests') =>
  `${scope}/providers/Microsoft.Authorization/${collection}/${crypto.randomUUID()}?api-version=2020-10-01`;
const P180D = { expiration: { type: 'AfterDuration', duration: 'P180D' } };

describe('separation of duties and rule 4 over the API', () => {
  let s: Scenario;
  let prodActivation: { id: string; endAt: number | null };
  beforeAll(async () => {
    s = await buildScenario(freshDb());
    prodActivation = s.t.db
      .select()
      .from(assignmentSchedules)
      .where(and(eq(assignmentSchedules.principalId, s.t.ids.jen), eq(assignmentSchedules.scopeId, SCOPES.prod.toLowerCase())))
      .get()!;
  }, 120_000);
  afterAll(async () => {
    await deliveryIdle();
    s?.t.close();
  });

  const request = (
    who: Persona,
    scope: string,
    props: Record<string, unknown>,
    collection: 'roleAssignmentScheduleRequests' | 'roleEligibilityScheduleRequests' = 'roleAssignmentScheduleRequests',
  ) =>
    s.call(who, 'PUT', put(scope, collection), {
      properties: { roleDefinitionId: roleDef(ROLE_IDS.owner), justification: 'More time', ...props },
    });

  it("refuses Jen's AdminUpdate of her own activation for P180D: 400 in Azure's words, the reason names Steve; nothing changes", async () => {
    const r = await request('jen', SCOPES.prod, { principalId: s.t.ids.jen, requestType: 'AdminUpdate', scheduleInfo: P180D });
    expect([r.status, r.json.error.code]).toEqual([400, 'RoleAssignmentRequestPolicyValidationFailed']);
    expect(r.json.error.message).toBe('The following policy rules failed: ["SeparationOfDutiesRule","ExpirationRule"]');
    expect(r.json.error.details).toEqual([
      {
        code: 'SeparationOfDutiesRule',
        target: 'properties.principalId',
        message: expect.stringMatching(
          /^You cannot change access for yourself \(Owner on .*finance-prod\); another administrator of .*finance-prod, such as Steve Admin, can\.$/,
        ),
      },
      {
        code: 'ExpirationRule',
        target: 'Expiration_EndUser_Assignment',
        message: expect.stringMatching(/^An activation of Owner on .*finance-prod cannot be changed/),
      },
    ]);
    const now = s.t.db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, prodActivation.id)).get()!;
    expect(now.endAt).toBe(prodActivation.endAt);
  });

  it('refuses Jen an active Owner assignment for herself on finance-test-vm2, and /validate says the same', async () => {
    const body = { principalId: s.t.ids.jen, requestType: 'AdminAssign', scheduleInfo: P180D };
    const r = await request('jen', vm('finance-test', 2), body);
    expect([r.status, r.json.error.message]).toEqual([400, 'The following policy rules failed: ["SeparationOfDutiesRule"]']);
    expect(r.json.error.details[0].message).toMatch(
      /You cannot grant access for yourself \(Owner on .*finance-test-vm2\); another administrator of .*finance-test-vm2, such as Steve Admin, can\./,
    );
    const v = await s.call(
      'jen',
      'POST',
      `${vm('finance-test', 2)}/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/${crypto.randomUUID()}/validate?api-version=2020-10-01`,
      { properties: { roleDefinitionId: roleDef(ROLE_IDS.owner), justification: 'x', ...body } },
    );
    expect([v.status, v.json.error.message]).toEqual([400, 'The following policy rules failed: ["SeparationOfDutiesRule"]']);
    // through the group she is in: the same
    const g = await request(
      'jen',
      SCOPES.prod,
      { principalId: s.groupId, requestType: 'AdminAssign', scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'P30D' } } },
      'roleEligibilityScheduleRequests',
    );
    expect(g.json.error.details[0].message).toMatch(/You cannot grant access for group Finance ops, which you are a member of/);
  });

  it('nobody stretches an activation: Steve cannot extend it, Jen cannot SelfExtend it', async () => {
    const ext = await request('steve', SCOPES.prod, {
      principalId: s.t.ids.jen,
      requestType: 'AdminExtend',
      scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'P10D' } },
    });
    expect([ext.status, ext.json.error.message]).toEqual([400, 'The following policy rules failed: ["ExpirationRule"]']);
    expect(ext.json.error.details[0].message).toMatch(/cannot be extended: whoever holds it activates again instead/);
    const self = await request('jen', SCOPES.prod, { principalId: s.t.ids.jen, requestType: 'SelfExtend', scheduleInfo: P180D });
    expect([self.status, self.json.error.message]).toEqual([400, 'The following policy rules failed: ["ExpirationRule"]']);
    expect(self.json.error.details[0].message).toMatch(
      /An activation of Owner on .*finance-prod cannot be extended: activate again instead \(at most 8 h at a time there\)/,
    );
  });

  it('Jen may not weaken the Owner policy of finance-prod (she holds Owner there); Steve may', async () => {
    const list = await s.call(
      'jen',
      'GET',
      `${SCOPES.prod}/providers/Microsoft.Authorization/roleManagementPolicies?api-version=2020-10-01`,
    );
    const owner = (list.json.value as { name: string; properties: { displayName: string } }[]).find(
      (p) => p.properties.displayName === 'Owner',
    )!;
    const patch = {
      properties: {
        rules: [{ id: 'Expiration_EndUser_Assignment', ruleType: 'RoleManagementPolicyExpirationRule', maximumDuration: 'PT24H' }],
      },
    };
    const path = `${SCOPES.prod}/providers/Microsoft.Authorization/roleManagementPolicies/${owner.name}?api-version=2020-10-01`;
    const r = await s.call('jen', 'PATCH', path, patch);
    expect([r.status, r.json.error.message]).toEqual([400, 'The following policy rules failed: ["SeparationOfDutiesRule"]']);
    expect(r.json.error.details[0]).toMatchObject({
      target: 'Expiration_EndUser_Assignment',
      message: expect.stringMatching(
        /cannot raise the activation maximum for Owner on .*finance-prod; another administrator of .*finance-prod, such as Steve Admin, can/,
      ),
    });
    expect((await s.call('steve', 'PATCH', path, patch)).status).toBe(200);
  });

  it("the settings' MFA on active assignment holds for every admin change of active access: a step-up token is needed", async () => {
    const dev = rg('finance-dev');
    const list = await s.call('steve', 'GET', `${dev}/providers/Microsoft.Authorization/roleManagementPolicies?api-version=2020-10-01`);
    const reader = (list.json.value as { name: string; properties: { displayName: string } }[]).find(
      (p) => p.properties.displayName === 'Reader',
    )!;
    const set = await s.call(
      'steve',
      'PATCH',
      `${dev}/providers/Microsoft.Authorization/roleManagementPolicies/${reader.name}?api-version=2020-10-01`,
      {
        properties: {
          rules: [
            {
              id: 'Enablement_Admin_Assignment',
              ruleType: 'RoleManagementPolicyEnablementRule',
              enabledRules: ['MultiFactorAuthentication', 'Justification'],
            },
          ],
        },
      },
    );
    expect(set.status).toBe(200);
    const update = {
      principalId: s.t.ids.sam,
      roleDefinitionId: roleDef(ROLE_IDS.reader),
      requestType: 'AdminUpdate',
      justification: 'Project extended',
      scheduleInfo: { expiration: { type: 'AfterDuration', duration: 'P60D' } },
    };
    const plain = await s.call('steve', 'PUT', put(dev, 'roleAssignmentScheduleRequests'), { properties: update });
    expect([plain.status, plain.json.error.message]).toEqual([400, 'The following policy rules failed: ["MfaRule"]']);
    expect(plain.json.error.details.map((d: { code: string }) => d.code)).toEqual(['MfaRule', 'StepUpTokenRequired']);
    const steve = s.t.db.select().from(users).where(eq(users.id, s.t.ids.steve)).get()!;
    const stepUp = createStepUpToken(s.t.db, steve, { code: totpCode(DEMO_TOTP_SECRET, s.t.now) }, s.t.now).token;
    const ok = await apiCall(s.t, stepUp, 'PUT', put(dev, 'roleAssignmentScheduleRequests'), { properties: update });
    expect([ok.status, ok.json.properties.status]).toEqual([201, 'Provisioned']);
  });
});
