import type { ViolationCode } from '@/lib/policy/reasons';
import type { RoleSettings } from '@/lib/policy/types';

/**
 * The engine's "no" in Azure's words. Azure PIM refuses a request that breaks the role
 * settings with `400 RoleAssignmentRequestPolicyValidationFailed` and the message
 * `The following policy rules failed: ["ExpirationRule","MfaRule"]`, and scripts written
 * for Azure look for those rule names. Elevate answers the same, one rule name per failed
 * rule (in the order the engine reported them), and keeps its own explanation of every
 * violation in the error's `details` ({code: rule name, message, target}). Pure, so the
 * mapping is unit-tested.
 */

/** Each typed violation of the engine → the Azure policy rule it breaks. */
export const AZURE_RULE: Record<ViolationCode, string> = {
  // Azure's own rule names
  'scope-unknown': 'EligibilityRule',
  'scope-not-managed': 'EligibilityRule',
  'not-eligible-at-scope': 'EligibilityRule',
  'eligibility-not-found': 'EligibilityRule',
  'eligibility-not-started': 'EligibilityRule',
  'eligibility-expired': 'EligibilityRule',
  'eligibility-revoked': 'EligibilityRule',
  'principal-disabled': 'EligibilityRule',
  'principal-not-found': 'EligibilityRule',
  'role-not-found': 'EligibilityRule',
  'duration-over-maximum': 'ExpirationRule',
  'duration-under-minimum': 'ExpirationRule',
  'start-in-past': 'ExpirationRule',
  'end-before-start': 'ExpirationRule',
  'permanent-not-allowed': 'ExpirationRule',
  'window-too-long': 'ExpirationRule',
  'not-in-extend-window': 'ExpirationRule',
  'not-in-renew-window': 'ExpirationRule',
  'justification-required': 'JustificationRule',
  'ticket-required': 'TicketingRule',
  'mfa-required': 'MfaRule',
  'no-approver': 'ApprovalRule',
  // situations Azure reports with codes of their own; Elevate names them as rules, in the same style
  'overlapping-activation': 'ExistingAssignmentRule',
  'overlapping-assignment': 'ExistingAssignmentRule',
  'pending-request-exists': 'PendingRequestRule',
  'target-not-found': 'TargetAssignmentRule',
  'target-already-revoked': 'TargetAssignmentRule',
  'not-active-or-scheduled': 'TargetAssignmentRule',
  'not-authorized': 'AuthorizationRule',
  // rule 4: an activation is never stretched; Azure's expiration rule is the one it would break
  'activation-not-extendable': 'ExpirationRule',
  // rule 10: Elevate's own, named in Azure's style
  'self-grant': 'SeparationOfDutiesRule',
  'weakens-own-settings': 'SeparationOfDutiesRule',
  'self-membership': 'SeparationOfDutiesRule',
  // rule 11: an approval without the approver's fresh MFA moment reads as Azure's MFA rule (and gets the step-up detail)
  'approval-mfa-required': 'MfaRule',
  'approver-justification-required': 'JustificationRule',
};

/** The roleManagementPolicies rule (policy-rules.ts) that carries each setting. */
const POLICY_RULE_OF_SETTING: Partial<Record<keyof RoleSettings, string>> = {
  activationMaxMinutes: 'Expiration_EndUser_Assignment',
  activationRequireMfa: 'Enablement_EndUser_Assignment',
  activationRequireJustification: 'Enablement_EndUser_Assignment',
  activationRequireTicket: 'Enablement_EndUser_Assignment',
  approvalRequired: 'Approval_EndUser_Assignment',
  approvalRequireMfa: 'Approval_EndUser_Assignment',
  eligiblePermanentAllowed: 'Expiration_Admin_Eligibility',
  eligibleMaxDays: 'Expiration_Admin_Eligibility',
  activePermanentAllowed: 'Expiration_Admin_Assignment',
  activeMaxDays: 'Expiration_Admin_Assignment',
  activeRequireMfa: 'Enablement_Admin_Assignment',
  activeRequireJustification: 'Enablement_Admin_Assignment',
};

/** Where to look when no setting is behind the violation: the request property to change (or the policy rule, for approval). */
const TARGET_OF_CODE: Record<ViolationCode, string> = {
  'scope-unknown': 'scope',
  'scope-not-managed': 'scope',
  'not-eligible-at-scope': 'properties.linkedRoleEligibilityScheduleId',
  'eligibility-not-found': 'properties.linkedRoleEligibilityScheduleId',
  'eligibility-not-started': 'properties.linkedRoleEligibilityScheduleId',
  'eligibility-expired': 'properties.linkedRoleEligibilityScheduleId',
  'eligibility-revoked': 'properties.linkedRoleEligibilityScheduleId',
  'principal-disabled': 'properties.principalId',
  'principal-not-found': 'properties.principalId',
  'role-not-found': 'properties.roleDefinitionId',
  'duration-over-maximum': 'properties.scheduleInfo.expiration',
  'duration-under-minimum': 'properties.scheduleInfo.expiration',
  'start-in-past': 'properties.scheduleInfo.startDateTime',
  'end-before-start': 'properties.scheduleInfo.expiration',
  'permanent-not-allowed': 'properties.scheduleInfo.expiration',
  'window-too-long': 'properties.scheduleInfo.expiration',
  'not-in-extend-window': 'properties.targetRoleAssignmentScheduleId',
  'not-in-renew-window': 'properties.targetRoleAssignmentScheduleId',
  'justification-required': 'properties.justification',
  'ticket-required': 'properties.ticketInfo',
  'mfa-required': 'Authorization',
  'no-approver': 'Approval_EndUser_Assignment',
  'overlapping-activation': 'properties.scheduleInfo',
  'overlapping-assignment': 'properties.scheduleInfo',
  'pending-request-exists': 'properties.roleDefinitionId',
  'target-not-found': 'properties.targetRoleAssignmentScheduleId',
  'target-already-revoked': 'properties.targetRoleAssignmentScheduleId',
  'not-active-or-scheduled': 'properties.targetRoleAssignmentScheduleId',
  'not-authorized': 'scope',
  'activation-not-extendable': 'properties.targetRoleAssignmentScheduleId',
  'self-grant': 'properties.principalId',
  'weakens-own-settings': 'properties.rules',
  'self-membership': 'members',
  'approval-mfa-required': 'Authorization',
  'approver-justification-required': 'properties.justification',
};

export const STEP_UP_PATH = '/api/tokens/step-up';

/** The extra detail a refusal for missing MFA carries: how to get the proof over the API. */
export const STEP_UP_DETAIL = {
  code: 'StepUpTokenRequired',
  message:
    `Over the API, MFA is proven with a step-up token: POST ${STEP_UP_PATH} on this server ` +
    'with {"code": "<6-digit code from your authenticator app>"}, authenticated with your personal token (not a step-up token); ' +
    `the answer's "token" is valid for 10 minutes. Send this request again with it as the bearer token. ` +
    'A step-up token can also be created on the Profile page.',
  target: STEP_UP_PATH,
} as const;

export interface RefusalDetail {
  code: string;
  message: string;
  target: string;
}

/** What the services put in an ElevateError's details: the engine's violation, described or not. */
export interface ViolationLike {
  code?: unknown;
  message?: unknown;
  setting?: unknown;
}

export const isViolationCode = (c: unknown): c is ViolationCode =>
  typeof c === 'string' && Object.prototype.hasOwnProperty.call(AZURE_RULE, c);

/** The Azure rule name for a violation code (codes the engine may add later read as PolicyRule). */
export const azureRuleOf = (code: unknown): string => (isViolationCode(code) ? AZURE_RULE[code] : 'PolicyRule');

function targetOf(v: ViolationLike): string {
  const bySetting = typeof v.setting === 'string' ? POLICY_RULE_OF_SETTING[v.setting as keyof RoleSettings] : undefined;
  if (bySetting) return bySetting;
  return isViolationCode(v.code) ? TARGET_OF_CODE[v.code] : 'properties';
}

/**
 * Azure's message and Elevate's details for a list of violations: the message names each
 * failed rule once; details explain every violation (its rule, Elevate's sentence, and the
 * policy rule id of the setting that demands it, or the request property to change), plus
 * how to get a step-up token when MFA is what is missing.
 */
export function policyRefusal(violations: readonly ViolationLike[]): { message: string; rules: string[]; details: RefusalDetail[] } {
  const rules: string[] = [];
  const details: RefusalDetail[] = [];
  const seen = new Set<string>();
  for (const v of violations) {
    const rule = azureRuleOf(v.code);
    if (!rules.includes(rule)) rules.push(rule);
    const message =
      typeof v.message === 'string' && v.message.trim() ? v.message.trim() : String(v.code ?? 'The request breaks a policy rule');
    const detail = { code: rule, message, target: targetOf(v) };
    const key = `${detail.code}\u0000${detail.message}\u0000${detail.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    details.push(detail);
  }
  if (rules.includes('MfaRule')) details.push({ ...STEP_UP_DETAIL });
  return { message: `The following policy rules failed: ${JSON.stringify(rules)}`, rules, details };
}
