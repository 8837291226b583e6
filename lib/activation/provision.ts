import 'server-only';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { assignmentSchedules, eligibilitySchedules, requests, type RequestRow } from '@/db/schema';
import { activationChangeViolation, activationScopeOption, describe, effectiveEnd, scheduleStatus, windowsOverlap, type Violation } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { capLinkedActivations } from '@/lib/assignments/caps';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { config } from '@/lib/config';
import { ElevateError } from '@/lib/errors';
import { namesFor, scopeName } from './names';
import { approvedActivationWindow, approvedRenewWindow } from './window';
import { fmtUtc } from './format';

export type ProvisionResult =
  | { status: 'Provisioned'; scheduleId: string; startAt: number; endAt: number | null }
  | { status: 'Failed'; reason: string };

/**
 * Carries out an approved self-service request inside the approvals service's
 * transaction, right after it recorded the Approve decision:
 * - SelfActivate: creates the activation, starting at approval (or the requested start,
 *   if later), lasting the requested duration, never past the eligibility's end;
 * - SelfExtend: moves the target schedule's end to the requested end;
 * - SelfRenew: gives the target schedule a new window starting at approval.
 * When the world changed while the request waited (eligibility removed, user left the
 * group, target removed, an overlapping assignment appeared) the request is marked
 * Failed with the engine's reason instead of granting something no longer allowed.
 * Audits, notifies the requester and bumps the tenant revision.
 */
export function provisionApprovedRequest(
  tx: Tx, request: RequestRow, approvedAt: number, approver: { id: string; name: string },
): ProvisionResult {
  if (request.requestType === 'SelfActivate') return provisionActivation(tx, request, approvedAt, approver);
  if (request.requestType === 'SelfExtend' || request.requestType === 'SelfRenew') return provisionExtendRenew(tx, request, approvedAt, approver);
  throw new ElevateError('InvalidRequest', `A ${request.requestType} request is not provisioned through approval.`);
}

function provisionActivation(tx: Tx, req: RequestRow, approvedAt: number, approver: { id: string; name: string }): ProvisionResult {
  const index = policyIndex(tx);
  const names = namesFor(index);
  const elig = req.linkedEligibilityId ? index.schedules.get(req.linkedEligibilityId) : undefined;
  const option = req.linkedEligibilityId ? activationScopeOption(index, req.requesterId, req.linkedEligibilityId, req.scopeId, approvedAt) : null;
  if (!elig || !option) {
    const st = elig ? scheduleStatus(elig, approvedAt) : null;
    const v: Violation = st === 'Revoked' ? { code: 'eligibility-revoked', roleId: req.roleId, scheduleId: elig!.id }
      : st === 'Expired' ? { code: 'eligibility-expired', roleId: req.roleId, scheduleId: elig!.id }
      : { code: 'not-eligible-at-scope', roleId: req.roleId, scopeId: req.scopeId };
    return fail(tx, req, approvedAt, approver, describe(v, names));
  }
  const win = approvedActivationWindow(req.startAt, req.durationMinutes ?? 0, approvedAt, elig);
  if (win.endAt <= win.startAt) return fail(tx, req, approvedAt, approver, describe({ code: 'eligibility-expired', roleId: req.roleId, scheduleId: elig.id }, names));
  // rule 5 can be broken by an admin assignment made while the request waited
  const clash = (index.schedulesByUser.get(req.principalId) ?? []).find(
    (s) => s.kind === 'active' && s.roleId === req.roleId && s.scopeId === req.scopeId && !(s.revokedAt !== null && s.revokedAt <= approvedAt)
      && windowsOverlap(s.startAt, effectiveEnd(s), win.startAt, win.endAt),
  );
  if (clash) return fail(tx, req, approvedAt, approver, describe({ code: 'overlapping-activation', roleId: req.roleId, scopeId: req.scopeId, scheduleId: clash.id }, names));

  const scheduleId = crypto.randomUUID();
  tx.insert(assignmentSchedules).values({
    id: scheduleId, principalType: 'User', principalId: req.principalId, roleId: req.roleId, scopeId: req.scopeId,
    startAt: win.startAt, endAt: win.endAt, createdAt: approvedAt, createdBy: req.requesterId, requestId: req.id, updatedAt: approvedAt,
    origin: 'activated', linkedEligibilityId: elig.id,
  }).run();
  tx.update(requests).set({ status: 'Provisioned', targetScheduleId: scheduleId, completedAt: approvedAt }).where(eq(requests.id, req.id)).run();
  const role = names.role(req.roleId);
  const requester = index.users.get(req.requesterId);
  writeAudit(tx, {
    at: approvedAt, actor: approver, action: 'Role activated',
    principal: { type: 'User', id: req.principalId, name: requester?.displayName }, role: { id: req.roleId, name: role },
    scopeId: req.scopeId, requestId: req.id, justification: req.justification,
    details: { startAt: win.startAt, endAt: win.endAt, cappedAtEligibilityEnd: win.capped, approvedBy: approver.id, scheduleId },
  });
  notify(tx, {
    userIds: [req.requesterId], kind: 'request-approved', requestId: req.id, link: `/requests/${req.id}`,
    title: `Approved: ${role} on ${scopeName(index, req.scopeId)}`,
    body: `${approver.name} approved your activation of ${role} on ${names.scope(req.scopeId)}. It is active from ${fmtUtc(win.startAt)} until ${fmtUtc(win.endAt)}.`,
  }, approvedAt, config().publicUrl);
  return { status: 'Provisioned', scheduleId, startAt: win.startAt, endAt: win.endAt };
}

function provisionExtendRenew(tx: Tx, req: RequestRow, approvedAt: number, approver: { id: string; name: string }): ProvisionResult {
  const index = policyIndex(tx);
  const names = namesFor(index);
  const target = req.targetScheduleId ? index.schedules.get(req.targetScheduleId) : undefined;
  const renew = req.requestType === 'SelfRenew';
  if (!target || target.principal.id !== req.principalId) return fail(tx, req, approvedAt, approver, describe({ code: 'target-not-found' }, names));
  // rule 4, for requests that were waiting before activations stopped being extendable: they are never stretched
  const fixed = activationChangeViolation(index, target, req.requestType);
  if (fixed) return fail(tx, req, approvedAt, approver, describe(fixed, names));
  // an extension keeps the assignment alive; one removed meanwhile is not brought back by it
  if (!renew && target.revokedAt !== null && target.revokedAt <= approvedAt) {
    return fail(tx, req, approvedAt, approver, describe({ code: 'target-already-revoked', scheduleId: target.id }, names));
  }
  const win = renew ? approvedRenewWindow(req.startAt, req.endAt, approvedAt) : { startAt: target.startAt, endAt: req.endAt };
  const table = target.kind === 'eligible' ? eligibilitySchedules : assignmentSchedules;
  tx.update(table)
    .set(renew
      ? { startAt: win.startAt, endAt: win.endAt, revokedAt: null, revokedBy: null, requestId: req.id, updatedAt: approvedAt }
      : { endAt: win.endAt, requestId: req.id, updatedAt: approvedAt })
    .where(eq(table.id, target.id))
    .run();
  // rule 4: an eligibility's activations never outlive it, whichever way its end moved
  if (target.kind === 'eligible') capLinkedActivations(tx, target.id, win.endAt, approvedAt);
  tx.update(requests).set({ status: 'Provisioned', completedAt: approvedAt }).where(eq(requests.id, req.id)).run();
  const role = names.role(req.roleId);
  const what = target.kind === 'eligible' ? 'eligible assignment' : 'active assignment';
  writeAudit(tx, {
    at: approvedAt, actor: approver, action: renew ? `Self renew of ${what} provisioned` : `Self extend of ${what} provisioned`,
    principal: { type: 'User', id: req.principalId, name: index.users.get(req.principalId)?.displayName }, role: { id: req.roleId, name: role },
    scopeId: req.scopeId, requestId: req.id, justification: req.justification,
    details: { scheduleId: target.id, before: { startAt: target.startAt, endAt: target.endAt, revokedAt: target.revokedAt }, after: win, approvedBy: approver.id },
  });
  notify(tx, {
    userIds: [req.requesterId], kind: 'request-approved', requestId: req.id, link: `/requests/${req.id}`,
    title: `Approved: ${renew ? 'renewal' : 'extension'} of ${role} on ${scopeName(index, req.scopeId)}`,
    body: `${approver.name} approved your request. Your ${what} of ${role} on ${names.scope(req.scopeId)} now ends ${win.endAt === null ? 'never (permanent)' : fmtUtc(win.endAt)}.`,
  }, approvedAt, config().publicUrl);
  return { status: 'Provisioned', scheduleId: target.id, startAt: win.startAt, endAt: win.endAt };
}

function fail(tx: Tx, req: RequestRow, at: number, approver: { id: string; name: string }, reason: string): ProvisionResult {
  const index = policyIndex(tx);
  tx.update(requests).set({ status: 'Failed', failureReason: reason, completedAt: at }).where(eq(requests.id, req.id)).run();
  writeAudit(tx, {
    at, actor: approver, action: `${req.requestType} could not be provisioned`, outcome: 'Failure',
    principal: { type: 'User', id: req.principalId, name: index.users.get(req.principalId)?.displayName },
    role: { id: req.roleId, name: index.roles.get(req.roleId)?.name }, scopeId: req.scopeId, requestId: req.id,
    details: { reason },
  });
  notify(tx, {
    userIds: [req.requesterId], kind: 'request-failed', requestId: req.id, link: `/requests/${req.id}`,
    title: `Approved but not granted: ${index.roles.get(req.roleId)?.name ?? 'role'} on ${scopeName(index, req.scopeId)}`,
    body: `${approver.name} approved your request, but it could not be carried out: ${reason}.`,
  }, at, config().publicUrl);
  return { status: 'Failed', reason };
}
