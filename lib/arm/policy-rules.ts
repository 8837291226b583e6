import crypto from 'node:crypto';
import type { NotificationSettings, PrincipalRef, RoleSettings } from '@/lib/policy/types';
import { badRequest } from './errors';
import { formatDuration, parseDuration } from './schedule-info';

/**
 * Role settings ⇄ ARM role management policy rules (DESIGN.md's settings table names
 * the rule ids). Pure, so the mapping is unit-tested both ways.
 */

/** A stable policy name per (scope, role): ARM names policies with GUIDs; Elevate derives one. */
export function policyName(scopeKey: string, roleId: string): string {
  const h = crypto.createHash('sha256').update(`${scopeKey}|${roleId.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const target = (caller: 'Admin' | 'EndUser', level: 'Eligibility' | 'Assignment') => ({
  caller,
  operations: ['All'],
  level,
  targetObjects: [] as string[],
  inheritableSettings: [] as string[],
  enforcedSettings: [] as string[],
});

/** Notification rule id → the setting it carries. */
export const NOTIFICATION_RULES: Record<
  string,
  {
    key: keyof Omit<NotificationSettings, 'additionalRecipients'>;
    recipient: 'Admin' | 'Requestor' | 'Approver';
    caller: 'Admin' | 'EndUser';
    level: 'Eligibility' | 'Assignment';
  }
> = {
  Notification_Admin_Admin_Eligibility: { key: 'adminOnEligibleAssignment', recipient: 'Admin', caller: 'Admin', level: 'Eligibility' },
  Notification_Requestor_Admin_Eligibility: {
    key: 'requestorOnEligibleAssignment',
    recipient: 'Requestor',
    caller: 'Admin',
    level: 'Eligibility',
  },
  Notification_Admin_Admin_Assignment: { key: 'adminOnActiveAssignment', recipient: 'Admin', caller: 'Admin', level: 'Assignment' },
  Notification_Requestor_Admin_Assignment: {
    key: 'requestorOnActiveAssignment',
    recipient: 'Requestor',
    caller: 'Admin',
    level: 'Assignment',
  },
  Notification_Admin_EndUser_Assignment: { key: 'adminOnActivation', recipient: 'Admin', caller: 'EndUser', level: 'Assignment' },
  Notification_Requestor_EndUser_Assignment: {
    key: 'requestorOnActivation',
    recipient: 'Requestor',
    caller: 'EndUser',
    level: 'Assignment',
  },
  Notification_Approver_EndUser_Assignment: { key: 'approverOnActivation', recipient: 'Approver', caller: 'EndUser', level: 'Assignment' },
};

export type NameOf = (p: PrincipalRef) => string;

export function settingsToRules(s: RoleSettings, nameOf: NameOf) {
  const enabled = (pairs: [boolean, string][]) => pairs.filter(([on]) => on).map(([, rule]) => rule);
  return [
    {
      id: 'Expiration_Admin_Eligibility',
      ruleType: 'RoleManagementPolicyExpirationRule',
      isExpirationRequired: !s.eligiblePermanentAllowed,
      maximumDuration: `P${s.eligibleMaxDays}D`,
      target: target('Admin', 'Eligibility'),
    },
    {
      id: 'Expiration_Admin_Assignment',
      ruleType: 'RoleManagementPolicyExpirationRule',
      isExpirationRequired: !s.activePermanentAllowed,
      maximumDuration: `P${s.activeMaxDays}D`,
      target: target('Admin', 'Assignment'),
    },
    {
      id: 'Enablement_Admin_Assignment',
      ruleType: 'RoleManagementPolicyEnablementRule',
      enabledRules: enabled([
        [s.activeRequireMfa, 'MultiFactorAuthentication'],
        [s.activeRequireJustification, 'Justification'],
      ]),
      target: target('Admin', 'Assignment'),
    },
    {
      id: 'Expiration_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyExpirationRule',
      isExpirationRequired: true,
      maximumDuration: formatDuration(s.activationMaxMinutes),
      target: target('EndUser', 'Assignment'),
    },
    {
      id: 'Enablement_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyEnablementRule',
      enabledRules: enabled([
        [s.activationRequireMfa, 'MultiFactorAuthentication'],
        [s.activationRequireJustification, 'Justification'],
        [s.activationRequireTicket, 'Ticketing'],
      ]),
      target: target('EndUser', 'Assignment'),
    },
    {
      id: 'Approval_EndUser_Assignment',
      ruleType: 'RoleManagementPolicyApprovalRule',
      target: target('EndUser', 'Assignment'),
      setting: {
        isApprovalRequired: s.approvalRequired,
        isApprovalRequiredForExtension: false,
        isRequestorJustificationRequired: s.activationRequireJustification,
        // Elevate's own, beside Azure's fields: approving needs the approver's fresh MFA moment (rule 11)
        isApproverMfaRequired: s.approvalRequireMfa,
        approvalMode: 'SingleStage',
        approvalStages: [
          {
            approvalStageTimeOutInDays: s.approvalTimeoutMinutes / 1440,
            isApproverJustificationRequired: s.approverJustificationRequired,
            escalationTimeInMinutes: 0,
            isEscalationEnabled: false,
            escalationApprovers: [],
            primaryApprovers: s.approvers.map((a) => ({ userType: a.type, isBackup: false, id: a.id, description: nameOf(a) })),
          },
        ],
      },
    },
    ...Object.entries(NOTIFICATION_RULES).map(([id, n]) => ({
      id,
      ruleType: 'RoleManagementPolicyNotificationRule',
      notificationType: 'Email',
      notificationLevel: 'All',
      recipientType: n.recipient,
      notificationRecipients: [...s.notifications.additionalRecipients],
      isDefaultRecipientsEnabled: s.notifications[n.key],
      target: target(n.caller, n.level),
    })),
  ];
}

/** Azure rule ids Elevate has no setting for; accepted (so Azure-written scripts run) when they ask for nothing. */
const NEUTRAL: Record<string, (r: Record<string, unknown>) => boolean> = {
  enablement_admin_eligibility: (r) => !Array.isArray(r.enabledRules) || r.enabledRules.length === 0,
  authenticationcontext_enduser_assignment: (r) => r.isEnabled !== true,
  notification_approver_admin_eligibility: () => true,
  notification_approver_admin_assignment: () => true,
};

const KNOWN_IDS = [
  'Expiration_Admin_Eligibility',
  'Expiration_Admin_Assignment',
  'Enablement_Admin_Assignment',
  'Expiration_EndUser_Assignment',
  'Enablement_EndUser_Assignment',
  'Approval_EndUser_Assignment',
  ...Object.keys(NOTIFICATION_RULES),
];

function bool(r: Record<string, unknown>, key: string, id: string): boolean | undefined {
  const v = r[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: ${key} must be true or false.`);
  return v;
}

function wholeDays(text: unknown, id: string): number {
  if (typeof text !== 'string')
    throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: maximumDuration must be an ISO 8601 duration such as P365D.`);
  const minutes = parseDuration(text);
  if (minutes % 1440 !== 0)
    throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: maximumDuration must be whole days (e.g. P180D).`);
  return minutes / 1440;
}

function enabledSet(r: Record<string, unknown>, id: string, allowed: string[]): Set<string> | undefined {
  if (r.enabledRules === undefined || r.enabledRules === null) return undefined;
  if (!Array.isArray(r.enabledRules) || r.enabledRules.some((x) => typeof x !== 'string' || !allowed.includes(x))) {
    throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: enabledRules may contain ${allowed.join(', ')}.`);
  }
  return new Set(r.enabledRules as string[]);
}

/** The settings after applying the rules of a PATCH. Rules not mentioned keep their value. */
export function applyRules(current: RoleSettings, rules: Record<string, unknown>[]): RoleSettings {
  const s: RoleSettings = {
    ...current,
    approvers: [...current.approvers],
    notifications: { ...current.notifications, additionalRecipients: [...current.notifications.additionalRecipients] },
  };
  for (const r of rules) {
    const rawId = typeof r.id === 'string' ? r.id : '';
    const id = KNOWN_IDS.find((k) => k.toLowerCase() === rawId.toLowerCase());
    if (!id) {
      const neutral = NEUTRAL[rawId.toLowerCase()];
      if (neutral && neutral(r)) continue;
      throw badRequest(
        'InvalidRoleManagementPolicyRule',
        `Rule "${rawId}" is not one Elevate supports${rawId.toLowerCase() in NEUTRAL ? ' with those values' : ''}. Rule ids: ${KNOWN_IDS.join(', ')}.`,
      );
    }
    if (id === 'Expiration_Admin_Eligibility' || id === 'Expiration_Admin_Assignment') {
      const eligible = id === 'Expiration_Admin_Eligibility';
      const required = bool(r, 'isExpirationRequired', id);
      if (required !== undefined) s[eligible ? 'eligiblePermanentAllowed' : 'activePermanentAllowed'] = !required;
      if (r.maximumDuration !== undefined && r.maximumDuration !== null)
        s[eligible ? 'eligibleMaxDays' : 'activeMaxDays'] = wholeDays(r.maximumDuration, id);
    } else if (id === 'Expiration_EndUser_Assignment') {
      if (bool(r, 'isExpirationRequired', id) === false)
        throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: activations always expire; isExpirationRequired must be true.`);
      if (r.maximumDuration !== undefined && r.maximumDuration !== null) {
        if (typeof r.maximumDuration !== 'string')
          throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: maximumDuration must be an ISO 8601 duration such as PT8H.`);
        s.activationMaxMinutes = parseDuration(r.maximumDuration);
      }
    } else if (id === 'Enablement_Admin_Assignment') {
      const set = enabledSet(r, id, ['MultiFactorAuthentication', 'Justification']);
      if (set) {
        s.activeRequireMfa = set.has('MultiFactorAuthentication');
        s.activeRequireJustification = set.has('Justification');
      }
    } else if (id === 'Enablement_EndUser_Assignment') {
      const set = enabledSet(r, id, ['MultiFactorAuthentication', 'Justification', 'Ticketing']);
      if (set) {
        s.activationRequireMfa = set.has('MultiFactorAuthentication');
        s.activationRequireJustification = set.has('Justification');
        s.activationRequireTicket = set.has('Ticketing');
      }
    } else if (id === 'Approval_EndUser_Assignment') {
      applyApproval(s, r.setting, id);
    } else {
      const n = NOTIFICATION_RULES[id];
      const on = bool(r, 'isDefaultRecipientsEnabled', id);
      if (on !== undefined) s.notifications[n.key] = on;
      if (r.notificationRecipients !== undefined && r.notificationRecipients !== null) {
        if (
          !Array.isArray(r.notificationRecipients) ||
          r.notificationRecipients.some((x) => typeof x !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(x))
        ) {
          throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: notificationRecipients must be e-mail addresses.`);
        }
        s.notifications.additionalRecipients = [...new Set(r.notificationRecipients as string[])];
      }
    }
  }
  return s;
}

function applyApproval(s: RoleSettings, setting: unknown, id: string) {
  if (setting === undefined || setting === null) return;
  if (typeof setting !== 'object') throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: setting must be an object.`);
  const st = setting as Record<string, unknown>;
  const required = bool(st, 'isApprovalRequired', id);
  if (required !== undefined) s.approvalRequired = required;
  const mfa = bool(st, 'isApproverMfaRequired', id);
  if (mfa !== undefined) s.approvalRequireMfa = mfa;
  if (st.approvalMode !== undefined && st.approvalMode !== null && st.approvalMode !== 'SingleStage') {
    throw badRequest(
      'InvalidRoleManagementPolicyRule',
      `Rule ${id}: Elevate approves in a single stage; approvalMode must be SingleStage.`,
    );
  }
  const stages = st.approvalStages;
  if (stages === undefined || stages === null) return;
  if (!Array.isArray(stages) || stages.length > 1)
    throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: give exactly one approval stage.`);
  if (stages.length === 0) return;
  const stage = stages[0] as Record<string, unknown>;
  if (stage.approvalStageTimeOutInDays !== undefined && stage.approvalStageTimeOutInDays !== null) {
    const days = stage.approvalStageTimeOutInDays;
    if (typeof days !== 'number' || !(days > 0))
      throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: approvalStageTimeOutInDays must be a positive number.`);
    s.approvalTimeoutMinutes = Math.round(days * 1440);
  }
  const justify = bool(stage, 'isApproverJustificationRequired', id);
  if (justify !== undefined) s.approverJustificationRequired = justify;
  if (stage.primaryApprovers !== undefined && stage.primaryApprovers !== null) {
    const list = stage.primaryApprovers;
    if (!Array.isArray(list)) throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: primaryApprovers must be a list.`);
    s.approvers = list.map((a: Record<string, unknown>) => {
      if (!a || typeof a.id !== 'string' || !a.id)
        throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: every approver needs an id.`);
      const type =
        a.userType === 'Group' ? 'Group' : a.userType === undefined || a.userType === null || a.userType === 'User' ? 'User' : null;
      if (!type) throw badRequest('InvalidRoleManagementPolicyRule', `Rule ${id}: approver userType must be User or Group.`);
      return { type, id: a.id } as PrincipalRef;
    });
  }
}
