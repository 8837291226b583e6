import type { RoleSettings, NotificationSettings, ScheduleFact, PrincipalRef } from '@/lib/policy/types';
import type { RoleSettingsRow } from './schema/settings';
import type { AssignmentSchedule, EligibilitySchedule } from './schema/schedules';

/** Row ⇄ engine fact conversions, in one place so the snapshot loader and the writers agree. */

export function settingsFromRow(row: RoleSettingsRow, approvers: PrincipalRef[]): RoleSettings {
  return {
    activationMaxMinutes: row.activationMaxMinutes,
    activationRequireMfa: row.activationRequireMfa,
    activationRequireJustification: row.activationRequireJustification,
    activationRequireTicket: row.activationRequireTicket,
    approvalRequired: row.approvalRequired,
    approvers,
    approvalTimeoutMinutes: row.approvalTimeoutMinutes,
    approverJustificationRequired: row.approverJustificationRequired,
    approvalRequireMfa: row.approvalRequireMfa,
    eligiblePermanentAllowed: row.eligiblePermanentAllowed,
    eligibleMaxDays: row.eligibleMaxDays,
    activePermanentAllowed: row.activePermanentAllowed,
    activeMaxDays: row.activeMaxDays,
    activeRequireMfa: row.activeRequireMfa,
    activeRequireJustification: row.activeRequireJustification,
    notifications: JSON.parse(row.notifications) as NotificationSettings,
  };
}

export function settingsToRow(s: RoleSettings) {
  return {
    activationMaxMinutes: s.activationMaxMinutes,
    activationRequireMfa: s.activationRequireMfa,
    activationRequireJustification: s.activationRequireJustification,
    activationRequireTicket: s.activationRequireTicket,
    approvalRequired: s.approvalRequired,
    approvalTimeoutMinutes: s.approvalTimeoutMinutes,
    approverJustificationRequired: s.approverJustificationRequired,
    approvalRequireMfa: s.approvalRequireMfa,
    eligiblePermanentAllowed: s.eligiblePermanentAllowed,
    eligibleMaxDays: s.eligibleMaxDays,
    activePermanentAllowed: s.activePermanentAllowed,
    activeMaxDays: s.activeMaxDays,
    activeRequireMfa: s.activeRequireMfa,
    activeRequireJustification: s.activeRequireJustification,
    notifications: JSON.stringify(s.notifications),
  };
}

export function eligibilityFact(r: EligibilitySchedule): ScheduleFact {
  return {
    id: r.id,
    kind: 'eligible',
    principal: { type: r.principalType, id: r.principalId },
    roleId: r.roleId,
    scopeId: r.scopeId,
    startAt: r.startAt,
    endAt: r.endAt,
    revokedAt: r.revokedAt,
    origin: 'assigned',
    linkedEligibilityId: null,
  };
}

export function assignmentFact(r: AssignmentSchedule): ScheduleFact {
  return {
    id: r.id,
    kind: 'active',
    principal: { type: r.principalType, id: r.principalId },
    roleId: r.roleId,
    scopeId: r.scopeId,
    startAt: r.startAt,
    endAt: r.endAt,
    revokedAt: r.revokedAt,
    origin: r.origin,
    linkedEligibilityId: r.linkedEligibilityId,
  };
}
