import 'server-only';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { assignmentSchedules, eligibilitySchedules, requests, type RequestRow } from '@/db/schema';
import { describe, evaluateApprovedActivation, evaluateApprovedChange, settingsFor } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { capLinkedActivations } from '@/lib/assignments/caps';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { config } from '@/lib/config';
import { ElevateError } from '@/lib/errors';
import { nameLookup } from '@/lib/resources/names';
import { scopeName } from './names';
import { announceActivation } from './announce';
import { utcStamp } from '@/lib/notify/utc';

export type ProvisionResult =
  { status: 'Provisioned'; scheduleId: string; startAt: number; endAt: number | null } | { status: 'Failed'; reason: string };

/**
 * Carries out an approved self-service request inside the approvals service's
 * transaction, right after it recorded the Approve decision:
 * - SelfActivate: creates the activation, starting at approval (or the requested start,
 *   if later), lasting the requested duration, never past the eligibility's end;
 * - SelfExtend: moves the target schedule's end to the requested end;
 * - SelfRenew: creates a new schedule starting at approval, of the length asked for; the
 *   ended one stays in history as it was (ADR 110), as an admin renewal does.
 * When the world changed while the request waited (eligibility removed, user left the
 * group, target removed, an overlapping assignment appeared) the request is marked
 * Failed with the engine's reason instead of granting something no longer allowed. The engine
 * decides all of it (evaluateApprovedActivation, evaluateApprovedChange); this only writes.
 * Audits, notifies the requester and bumps the tenant revision.
 */
export function provisionApprovedRequest(
  tx: Tx,
  request: RequestRow,
  approvedAt: number,
  approver: { id: string; name: string },
): ProvisionResult {
  if (request.requestType === 'SelfActivate') return provisionActivation(tx, request, approvedAt, approver);
  if (request.requestType === 'SelfExtend' || request.requestType === 'SelfRenew')
    return provisionExtendRenew(tx, request, approvedAt, approver);
  throw new ElevateError('InvalidRequest', `A ${request.requestType} request is not provisioned through approval.`);
}

function provisionActivation(tx: Tx, req: RequestRow, approvedAt: number, approver: { id: string; name: string }): ProvisionResult {
  const index = policyIndex(tx);
  const names = nameLookup(index);
  // the engine decides whether it can still be granted, and the window (rules 4, 5, 6)
  const verdict = evaluateApprovedActivation(index, {
    requestId: req.id,
    requesterId: req.requesterId,
    roleId: req.roleId,
    scopeId: req.scopeId,
    eligibilityId: req.linkedEligibilityId,
    requestedStart: req.startAt,
    durationMinutes: req.durationMinutes ?? 0,
    approvedAt,
  });
  if (!verdict.ok) return fail(tx, req, approvedAt, approver, describe(verdict.violation, names));
  const { eligibility: elig, ...win } = verdict;

  const scheduleId = crypto.randomUUID();
  tx.insert(assignmentSchedules)
    .values({
      id: scheduleId,
      principalType: 'User',
      principalId: req.principalId,
      roleId: req.roleId,
      scopeId: req.scopeId,
      startAt: win.startAt,
      endAt: win.endAt,
      createdAt: approvedAt,
      createdBy: req.requesterId,
      requestId: req.id,
      updatedAt: approvedAt,
      origin: 'activated',
      linkedEligibilityId: elig.id,
    })
    .run();
  tx.update(requests)
    .set({ status: 'Provisioned', targetScheduleId: scheduleId, completedAt: approvedAt })
    .where(eq(requests.id, req.id))
    .run();
  const role = names.role(req.roleId);
  const requester = index.users.get(req.requesterId);
  writeAudit(tx, {
    at: approvedAt,
    actor: approver,
    action: 'Role activated',
    principal: { type: 'User', id: req.principalId, name: requester?.displayName },
    role: { id: req.roleId, name: role },
    scopeId: req.scopeId,
    requestId: req.id,
    justification: req.justification,
    details: { startAt: win.startAt, endAt: win.endAt, cappedAtEligibilityEnd: win.capped, approvedBy: approver.id, scheduleId },
  });
  // the approval note is the requester's news of the activation: e-mailed as "Requester: activation" says
  const notices = announceActivation(
    tx,
    index,
    settingsFor(index, req.scopeId, req.roleId).settings,
    {
      requester: { id: req.requesterId, name: requester?.displayName ?? req.requesterId },
      roleId: req.roleId,
      scopeId: req.scopeId,
      startAt: win.startAt,
      endAt: win.endAt,
      requestId: req.id,
    },
    approvedAt,
    { requesterTold: true },
  );
  notify(
    tx,
    {
      userIds: [req.requesterId],
      kind: 'request-approved',
      requestId: req.id,
      link: `/requests/${req.id}`,
      email: notices.requesterEmail,
      title: `Approved: ${role} on ${scopeName(index, req.scopeId)}`,
      body:
        `${approver.name} approved your activation of ${role} on ${names.scope(req.scopeId)}. ` +
        `It is active from ${utcStamp(win.startAt)} until ${utcStamp(win.endAt)}.`,
    },
    approvedAt,
    config().publicUrl,
  );
  return { status: 'Provisioned', scheduleId, startAt: win.startAt, endAt: win.endAt };
}

function provisionExtendRenew(tx: Tx, req: RequestRow, approvedAt: number, approver: { id: string; name: string }): ProvisionResult {
  const index = policyIndex(tx);
  const names = nameLookup(index);
  const renew = req.requestType === 'SelfRenew';
  const verdict = evaluateApprovedChange(index, {
    requestType: renew ? 'SelfRenew' : 'SelfExtend',
    principalId: req.principalId,
    targetScheduleId: req.targetScheduleId,
    requestedStart: req.startAt,
    requestedEnd: req.endAt,
    approvedAt,
  });
  if (!verdict.ok) return fail(tx, req, approvedAt, approver, describe(verdict.violation, names));
  const { target } = verdict;
  const win = { startAt: verdict.startAt, endAt: verdict.endAt };
  const table = target.kind === 'eligible' ? eligibilitySchedules : assignmentSchedules;
  let scheduleId = target.id;
  if (verdict.createsSchedule) {
    // ADR 110: a renewal is a new assignment; the ended one stays in history as it was
    scheduleId = crypto.randomUUID();
    const row = {
      id: scheduleId,
      principalType: target.principal.type,
      principalId: target.principal.id,
      roleId: target.roleId,
      scopeId: target.scopeId,
      startAt: win.startAt,
      endAt: win.endAt,
      createdAt: approvedAt,
      createdBy: req.requesterId,
      requestId: req.id,
      updatedAt: approvedAt,
    };
    if (target.kind === 'eligible') tx.insert(eligibilitySchedules).values(row).run();
    else
      tx.insert(assignmentSchedules)
        .values({ ...row, origin: 'assigned' })
        .run();
  } else {
    tx.update(table).set({ endAt: win.endAt, requestId: req.id, updatedAt: approvedAt }).where(eq(table.id, target.id)).run();
    // rule 4: an eligibility's activations never outlive it
    if (target.kind === 'eligible') capLinkedActivations(tx, target.id, { endAt: win.endAt }, approvedAt);
  }
  tx.update(requests)
    .set({ status: 'Provisioned', targetScheduleId: scheduleId, completedAt: approvedAt })
    .where(eq(requests.id, req.id))
    .run();
  const role = names.role(req.roleId);
  const what = target.kind === 'eligible' ? 'eligible assignment' : 'active assignment';
  writeAudit(tx, {
    at: approvedAt,
    actor: approver,
    action: renew ? `Self renew of ${what} provisioned` : `Self extend of ${what} provisioned`,
    principal: { type: 'User', id: req.principalId, name: index.users.get(req.principalId)?.displayName },
    role: { id: req.roleId, name: role },
    scopeId: req.scopeId,
    requestId: req.id,
    justification: req.justification,
    details: {
      scheduleId,
      ...(renew ? { renewedScheduleId: target.id } : {}),
      before: { startAt: target.startAt, endAt: target.endAt, revokedAt: target.revokedAt },
      after: win,
      approvedBy: approver.id,
    },
  });
  notify(
    tx,
    {
      userIds: [req.requesterId],
      kind: 'request-approved',
      requestId: req.id,
      link: `/requests/${req.id}`,
      title: `Approved: ${renew ? 'renewal' : 'extension'} of ${role} on ${scopeName(index, req.scopeId)}`,
      body:
        `${approver.name} approved your request. Your ${what} of ${role} on ${names.scope(req.scopeId)} ` +
        `now ends ${win.endAt === null ? 'never (permanent)' : utcStamp(win.endAt)}.`,
    },
    approvedAt,
    config().publicUrl,
  );
  return { status: 'Provisioned', scheduleId, startAt: win.startAt, endAt: win.endAt };
}

function fail(tx: Tx, req: RequestRow, at: number, approver: { id: string; name: string }, reason: string): ProvisionResult {
  const index = policyIndex(tx);
  tx.update(requests).set({ status: 'Failed', failureReason: reason, completedAt: at }).where(eq(requests.id, req.id)).run();
  writeAudit(tx, {
    at,
    actor: approver,
    action: `${req.requestType} could not be provisioned`,
    outcome: 'Failure',
    principal: { type: 'User', id: req.principalId, name: index.users.get(req.principalId)?.displayName },
    role: { id: req.roleId, name: index.roles.get(req.roleId)?.name },
    scopeId: req.scopeId,
    requestId: req.id,
    details: { reason },
  });
  notify(
    tx,
    {
      userIds: [req.requesterId],
      kind: 'request-failed',
      requestId: req.id,
      link: `/requests/${req.id}`,
      title: `Approved but not granted: ${index.roles.get(req.roleId)?.name ?? 'role'} on ${scopeName(index, req.scopeId)}`,
      body: `${approver.name} approved your request, but it could not be carried out: ${reason}.`,
    },
    at,
    config().publicUrl,
  );
  return { status: 'Failed', reason };
}
