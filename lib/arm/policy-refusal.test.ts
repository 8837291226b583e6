import { describe, expect, it } from 'vitest';
import { ElevateError } from '@/lib/errors';
import { AZURE_RULE, STEP_UP_DETAIL, azureRuleOf, policyRefusal } from './policy-refusal';
import { errorBody, fromElevateError } from './errors';

describe("the engine's violations in Azure's words", () => {
  it('maps the settings violations to the rule names Azure PIM reports', () => {
    expect(AZURE_RULE['duration-over-maximum']).toBe('ExpirationRule');
    expect(AZURE_RULE['duration-under-minimum']).toBe('ExpirationRule');
    expect(AZURE_RULE['permanent-not-allowed']).toBe('ExpirationRule');
    expect(AZURE_RULE['window-too-long']).toBe('ExpirationRule');
    expect(AZURE_RULE['mfa-required']).toBe('MfaRule');
    expect(AZURE_RULE['justification-required']).toBe('JustificationRule');
    expect(AZURE_RULE['ticket-required']).toBe('TicketingRule');
    expect(AZURE_RULE['no-approver']).toBe('ApprovalRule');
    // rule 11: an approval without the approver's MFA reads as Azure's MFA rule, so the step-up detail follows it
    expect(AZURE_RULE['approval-mfa-required']).toBe('MfaRule');
    expect(policyRefusal([{ code: 'approval-mfa-required', setting: 'approvalRequireMfa', message: 'm' }]).details).toEqual([
      { code: 'MfaRule', message: 'm', target: 'Approval_EndUser_Assignment' },
      STEP_UP_DETAIL,
    ]);
    expect(AZURE_RULE['self-membership']).toBe('SeparationOfDutiesRule');
    for (const c of [
      'eligibility-not-found',
      'not-eligible-at-scope',
      'eligibility-expired',
      'eligibility-revoked',
      'eligibility-not-started',
      'scope-not-managed',
    ] as const) {
      expect(AZURE_RULE[c], c).toBe('EligibilityRule');
    }
    // every rule name reads like Azure's: one word ending in Rule
    for (const rule of Object.values(AZURE_RULE)) expect(rule).toMatch(/^[A-Z][A-Za-z]+Rule$/);
    expect(azureRuleOf('something-new')).toBe('PolicyRule');
  });

  it("says Azure's sentence, one name per failed rule in the engine's order, and explains each violation in details", () => {
    const r = policyRefusal([
      { code: 'duration-over-maximum', setting: 'activationMaxMinutes', message: '8 h is the maximum here' },
      {
        code: 'justification-required',
        setting: 'activationRequireJustification',
        message: 'A justification is required for Owner on finance-test',
      },
      { code: 'mfa-required', setting: 'activationRequireMfa', message: 'Verify with MFA (within the last 10 minutes) first' },
    ]);
    expect(r.message).toBe('The following policy rules failed: ["ExpirationRule","JustificationRule","MfaRule"]');
    expect(r.details).toEqual([
      { code: 'ExpirationRule', message: '8 h is the maximum here', target: 'Expiration_EndUser_Assignment' },
      {
        code: 'JustificationRule',
        message: 'A justification is required for Owner on finance-test',
        target: 'Enablement_EndUser_Assignment',
      },
      { code: 'MfaRule', message: 'Verify with MFA (within the last 10 minutes) first', target: 'Enablement_EndUser_Assignment' },
      STEP_UP_DETAIL,
    ]);
  });

  it('names a rule once however many violations break it; points at the request property when no setting is behind it', () => {
    const r = policyRefusal([
      { code: 'eligibility-expired', message: 'The eligible assignment for Owner has expired' },
      { code: 'not-eligible-at-scope', message: 'Owner eligibility does not reach finance-dev' },
      { code: 'permanent-not-allowed', setting: 'activePermanentAllowed', message: 'Permanent assignments of Owner are not allowed' },
      { code: 'justification-required', message: 'A justification is required' },
    ]);
    expect(r.rules).toEqual(['EligibilityRule', 'ExpirationRule', 'JustificationRule']);
    expect(r.details.map((d) => [d.code, d.target])).toEqual([
      ['EligibilityRule', 'properties.linkedRoleEligibilityScheduleId'],
      ['EligibilityRule', 'properties.linkedRoleEligibilityScheduleId'],
      ['ExpirationRule', 'Expiration_Admin_Assignment'],
      ['JustificationRule', 'properties.justification'],
    ]);
    expect(r.details.some((d) => d.code === STEP_UP_DETAIL.code)).toBe(false);
  });

  it('tells how to get a step-up token when MFA is what is missing: the endpoint and the body', () => {
    const r = policyRefusal([{ code: 'mfa-required', setting: 'activeRequireMfa', message: 'MFA' }]);
    expect(r.message).toBe('The following policy rules failed: ["MfaRule"]');
    const step = r.details.find((d) => d.code === 'StepUpTokenRequired')!;
    expect(step.target).toBe('/api/tokens/step-up');
    expect(step.message).toMatch(/POST \/api\/tokens\/step-up/);
    expect(step.message).toMatch(/"code"/);
    expect(r.details[0].target).toBe('Enablement_Admin_Assignment');
  });

  it("turns the services' refusals into 400 RoleAssignmentRequestPolicyValidationFailed, MFA-only ones included", () => {
    // what lib/activation/violations.ts refusal() throws for an activation missing only MFA
    const mfaOnly = new ElevateError('MfaRequired', 'Nothing was requested. Verify with MFA first', {
      fieldErrors: { mfaCode: ['Verify with MFA first'] },
      details: {
        violations: [{ code: 'mfa-required', field: 'mfaCode', message: 'Verify with MFA first', setting: 'activationRequireMfa' }],
      },
    });
    const arm = fromElevateError(mfaOnly);
    expect([arm.status, arm.code, arm.message]).toEqual([
      400,
      'RoleAssignmentRequestPolicyValidationFailed',
      'The following policy rules failed: ["MfaRule"]',
    ]);
    expect(errorBody(arm).error.details?.map((d) => d.code)).toEqual(['MfaRule', 'StepUpTokenRequired']);
    // what lib/assignments/errors.ts adminRefusal throws: the violations with their sentences
    const admin = new ElevateError('PolicyViolation', 'x', {
      details: [{ code: 'window-too-long', setting: 'eligibleMaxDays', message: 'Assignments may last at most 365 days.' }],
    });
    expect(fromElevateError(admin)).toMatchObject({
      status: 400,
      code: 'RoleAssignmentRequestPolicyValidationFailed',
      message: 'The following policy rules failed: ["ExpirationRule"]',
    });
    // "you may not manage here" stays a 403; errors without violations keep their code
    expect(fromElevateError(new ElevateError('PolicyViolation', 'no', { details: [{ code: 'not-authorized' }] }))).toMatchObject({
      status: 403,
      code: 'AuthorizationFailed',
    });
    expect(fromElevateError(new ElevateError('MfaRequired', 'Set up an authenticator first'))).toMatchObject({
      status: 400,
      code: 'MfaRequired',
    });
  });
});
