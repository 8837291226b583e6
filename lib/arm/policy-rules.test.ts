import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type RoleSettings } from '@/lib/policy';
import { applyRules, policyName, settingsToRules } from './policy-rules';

const names = () => 'Avery';
const byId = (rules: ReturnType<typeof settingsToRules>, id: string) => rules.find((r) => r.id === id) as Record<string, any>;

describe('role settings ⇄ ARM policy rules', () => {
  it('renders DESIGN.md defaults under their Entra rule ids', () => {
    const rules = settingsToRules(DEFAULT_SETTINGS, names);
    expect(byId(rules, 'Expiration_EndUser_Assignment')).toMatchObject({
      ruleType: 'RoleManagementPolicyExpirationRule',
      maximumDuration: 'PT8H',
      isExpirationRequired: true,
    });
    expect(byId(rules, 'Enablement_EndUser_Assignment').enabledRules).toEqual(['MultiFactorAuthentication', 'Justification']);
    expect(byId(rules, 'Approval_EndUser_Assignment').setting).toMatchObject({ isApprovalRequired: false, approvalMode: 'SingleStage' });
    expect(byId(rules, 'Approval_EndUser_Assignment').setting.approvalStages[0]).toMatchObject({
      approvalStageTimeOutInDays: 1,
      isApproverJustificationRequired: true,
    });
    expect(byId(rules, 'Expiration_Admin_Eligibility')).toMatchObject({ isExpirationRequired: true, maximumDuration: 'P365D' });
    expect(byId(rules, 'Expiration_Admin_Assignment')).toMatchObject({ isExpirationRequired: true, maximumDuration: 'P180D' });
    expect(byId(rules, 'Enablement_Admin_Assignment').enabledRules).toEqual(['Justification']);
    expect(byId(rules, 'Notification_Approver_EndUser_Assignment')).toMatchObject({
      recipientType: 'Approver',
      isDefaultRecipientsEnabled: true,
    });
  });

  it('a GET-then-PATCH round trip changes nothing', () => {
    const s: RoleSettings = {
      ...DEFAULT_SETTINGS,
      approvalRequired: true,
      approvers: [
        { type: 'User', id: 'u1' },
        { type: 'Group', id: 'g1' },
      ],
      activationMaxMinutes: 90,
    };
    expect(applyRules(DEFAULT_SETTINGS, settingsToRules(s, names) as Record<string, unknown>[])).toEqual(s);
  });

  it('carries "require MFA to approve" as isApproverMfaRequired on the approval rule, both ways', () => {
    const owner: RoleSettings = { ...DEFAULT_SETTINGS, approvalRequireMfa: true };
    expect(byId(settingsToRules(owner, names), 'Approval_EndUser_Assignment').setting.isApproverMfaRequired).toBe(true);
    expect(byId(settingsToRules(DEFAULT_SETTINGS, names), 'Approval_EndUser_Assignment').setting.isApproverMfaRequired).toBe(false);
    expect(applyRules(owner, [{ id: 'Approval_EndUser_Assignment', setting: { isApproverMfaRequired: false } }])).toEqual(DEFAULT_SETTINGS);
    expect(applyRules(DEFAULT_SETTINGS, settingsToRules(owner, names) as Record<string, unknown>[])).toEqual(owner);
    // left out, it keeps its value (Azure's own scripts never send it)
    expect(applyRules(owner, [{ id: 'Approval_EndUser_Assignment', setting: { isApprovalRequired: true } }]).approvalRequireMfa).toBe(true);
    expect(() => applyRules(owner, [{ id: 'Approval_EndUser_Assignment', setting: { isApproverMfaRequired: 'yes' } }])).toThrow(
      /isApproverMfaRequired must be true or false/,
    );
  });

  it('applies only the rules given', () => {
    const next = applyRules(DEFAULT_SETTINGS, [
      { id: 'expiration_enduser_assignment', maximumDuration: 'PT4H' },
      {
        id: 'Approval_EndUser_Assignment',
        setting: {
          isApprovalRequired: true,
          approvalStages: [{ approvalStageTimeOutInDays: 0.5, primaryApprovers: [{ userType: 'Group', id: 'g1' }] }],
        },
      },
      { id: 'Enablement_EndUser_Assignment', enabledRules: ['Ticketing'] },
    ]);
    expect(next).toMatchObject({
      activationMaxMinutes: 240,
      approvalRequired: true,
      approvalTimeoutMinutes: 720,
      approvers: [{ type: 'Group', id: 'g1' }],
      activationRequireMfa: false,
      activationRequireJustification: false,
      activationRequireTicket: true,
      eligibleMaxDays: 365,
    });
  });

  it('refuses what Elevate cannot honour, naming the rule', () => {
    expect(() => applyRules(DEFAULT_SETTINGS, [{ id: 'Expiration_EndUser_Assignment', isExpirationRequired: false }])).toThrow(
      /activations always expire/,
    );
    expect(() => applyRules(DEFAULT_SETTINGS, [{ id: 'Expiration_Admin_Eligibility', maximumDuration: 'PT36H' }])).toThrow(/whole days/);
    expect(() => applyRules(DEFAULT_SETTINGS, [{ id: 'Approval_EndUser_Assignment', setting: { approvalStages: [{}, {}] } }])).toThrow(
      /one approval stage/,
    );
    expect(() => applyRules(DEFAULT_SETTINGS, [{ id: 'Enablement_EndUser_Assignment', enabledRules: ['Fingerprint'] }])).toThrow(
      /Ticketing/,
    );
    expect(() => applyRules(DEFAULT_SETTINGS, [{ id: 'Made_Up' }])).toThrow(/not one Elevate supports/);
    expect(applyRules(DEFAULT_SETTINGS, [{ id: 'AuthenticationContext_EndUser_Assignment', isEnabled: false }])).toEqual(DEFAULT_SETTINGS);
  });

  it('names policies stably per (scope, role), as a GUID', () => {
    const a = policyName('/subscriptions/s', 'r');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(policyName('/subscriptions/s', 'R')).toBe(a);
    expect(policyName('/subscriptions/t', 'r')).not.toBe(a);
  });
});
