import 'server-only';
import type { RequestRow, EligibilitySchedule, AssignmentSchedule } from '@/db/schema';
import { requestStatus, scheduleStatus, type PrincipalRef } from '@/lib/policy';
import { requestFact } from '@/lib/tenant/snapshot';
import { assignmentFact, eligibilityFact } from '@/db/mappers';
import { expanded, memberTypeAt, type ArmContext } from './context';
import { approvalArmId, envelope, resourceId, roleDefinitionArmId } from './ids';
import { scheduleInfoFromWindow } from './schedule-info';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** Request row → roleEligibilityScheduleRequest / roleAssignmentScheduleRequest. */
export function requestToArm(ctx: ArmContext, row: RequestRow) {
  const eligibility = row.kind === 'eligibility';
  const collection = eligibility ? 'roleEligibilityScheduleRequests' : 'roleAssignmentScheduleRequests';
  const scopeArm = ctx.armIdOf(row.scopeId);
  const roleDefinitionId = roleDefinitionArmId(scopeArm, row.roleId);
  const status = requestStatus(requestFact(row, []), ctx.now);
  const principal: PrincipalRef = { type: row.principalType, id: row.principalId };
  const targetCollection = eligibility ? 'roleEligibilitySchedules' : 'roleAssignmentSchedules';
  const instanceCollection = eligibility ? 'roleEligibilityScheduleInstances' : 'roleAssignmentScheduleInstances';
  const target = row.targetScheduleId;
  const window = { startAt: row.startAt, endAt: row.endAt, durationMinutes: row.durationMinutes };
  const props = {
    scope: scopeArm,
    roleDefinitionId,
    principalId: row.principalId,
    principalType: row.principalType,
    requestType: row.requestType,
    status,
    ...(row.approvalRequired ? { approvalId: approvalArmId(row.id) } : {}),
    scheduleInfo: scheduleInfoFromWindow(window),
    ...(eligibility
      ? {
          targetRoleEligibilityScheduleId: target ? resourceId(scopeArm, targetCollection, target) : null,
          targetRoleEligibilityScheduleInstanceId: target ? resourceId(scopeArm, instanceCollection, target) : null,
        }
      : {
          targetRoleAssignmentScheduleId: target ? resourceId(scopeArm, targetCollection, target) : null,
          targetRoleAssignmentScheduleInstanceId: target ? resourceId(scopeArm, instanceCollection, target) : null,
          linkedRoleEligibilityScheduleId: row.linkedEligibilityId
            ? resourceId(scopeArm, 'roleEligibilitySchedules', row.linkedEligibilityId)
            : null,
        }),
    justification: row.justification,
    ticketInfo: { ticketNumber: row.ticketNumber, ticketSystem: row.ticketSystem },
    condition: null,
    conditionVersion: null,
    createdOn: iso(row.createdAt),
    requestorId: row.requesterId,
    expandedProperties: expanded(ctx, principal, row.roleId, row.scopeId, roleDefinitionId),
  };
  return envelope(scopeArm, collection, row.id, props);
}

/** ARM reports a live schedule as Provisioned; ended ones by how they ended. */
function scheduleArmStatus(s: Parameters<typeof scheduleStatus>[0], now: number): string {
  const st = scheduleStatus(s, now);
  return st === 'Revoked' ? 'Revoked' : st === 'Expired' ? 'Expired' : 'Provisioned';
}

function baseSchedule(ctx: ArmContext, row: EligibilitySchedule | AssignmentSchedule) {
  const scopeArm = ctx.armIdOf(row.scopeId);
  const roleDefinitionId = roleDefinitionArmId(scopeArm, row.roleId);
  const principal: PrincipalRef = { type: row.principalType, id: row.principalId };
  return {
    scopeArm,
    common: {
      scope: scopeArm,
      roleDefinitionId,
      principalId: row.principalId,
      principalType: row.principalType,
      memberType: memberTypeAt(ctx, principal, row.scopeId),
      startDateTime: iso(row.startAt),
      endDateTime: iso(row.revokedAt !== null && (row.endAt === null || row.revokedAt < row.endAt) ? row.revokedAt : row.endAt),
      condition: null,
      conditionVersion: null,
      createdOn: iso(row.createdAt),
      expandedProperties: expanded(ctx, principal, row.roleId, row.scopeId, roleDefinitionId),
    },
  };
}

export function eligibilityScheduleToArm(ctx: ArmContext, row: EligibilitySchedule, as: 'schedule' | 'instance') {
  const { scopeArm, common } = baseSchedule(ctx, row);
  const status = scheduleArmStatus(eligibilityFact(row), ctx.now);
  const requestId = row.requestId ? resourceId(scopeArm, 'roleEligibilityScheduleRequests', row.requestId) : null;
  if (as === 'schedule') {
    return envelope(scopeArm, 'roleEligibilitySchedules', row.id, {
      ...common,
      status,
      roleEligibilityScheduleRequestId: requestId,
      updatedOn: iso(row.updatedAt),
    });
  }
  return envelope(scopeArm, 'roleEligibilityScheduleInstances', row.id, {
    ...common,
    status,
    roleEligibilityScheduleId: resourceId(scopeArm, 'roleEligibilitySchedules', row.id),
  });
}

export function assignmentScheduleToArm(ctx: ArmContext, row: AssignmentSchedule, as: 'schedule' | 'instance') {
  const { scopeArm, common } = baseSchedule(ctx, row);
  const status = scheduleArmStatus(assignmentFact(row), ctx.now);
  const linked = row.linkedEligibilityId
    ? resourceId(
        ctx.armIdOf(ctx.eligibilityScope(row.linkedEligibilityId) ?? row.scopeId),
        'roleEligibilitySchedules',
        row.linkedEligibilityId,
      )
    : null;
  const assignmentType = row.origin === 'activated' ? 'Activated' : 'Assigned';
  if (as === 'schedule') {
    return envelope(scopeArm, 'roleAssignmentSchedules', row.id, {
      ...common,
      status,
      assignmentType,
      linkedRoleEligibilityScheduleId: linked,
      roleAssignmentScheduleRequestId: row.requestId ? resourceId(scopeArm, 'roleAssignmentScheduleRequests', row.requestId) : null,
      updatedOn: iso(row.updatedAt),
    });
  }
  return envelope(scopeArm, 'roleAssignmentScheduleInstances', row.id, {
    ...common,
    status,
    assignmentType,
    roleAssignmentScheduleId: resourceId(scopeArm, 'roleAssignmentSchedules', row.id),
    // Elevate has no separate role-assignment object: the schedule is the assignment
    originRoleAssignmentId: resourceId(scopeArm, 'roleAssignmentSchedules', row.id),
    linkedRoleEligibilityScheduleId: linked,
    linkedRoleEligibilityScheduleInstanceId: linked
      ? linked.replace('/roleEligibilitySchedules/', '/roleEligibilityScheduleInstances/')
      : null,
  });
}
