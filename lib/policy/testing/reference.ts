import { resolveApprovers } from '../approval';
import { CLOCK_SKEW_MINUTES, MFA_FRESHNESS_MINUTES, MINUTE_MS, MIN_ACTIVATION_MINUTES } from '../constants';
import type { ActivationInput, ActivationOutcome, ActivationResult } from '../activation';
import { mfaFresh } from '../activation';
import type { Reason, Violation } from '../reasons';
import { settingsAtNode } from '../settings';
import { nodeOf, type PolicyIndex, type ResourceNode } from '../tenant-index';
import { effectiveEnd, inWindow, requestStatus, windowsOverlap } from '../time';
import type { Millis, PrincipalRef, ScheduleFact } from '../types';

/**
 * The resource-centric hasRole and evaluateActivation as they were before ADR 011 (walk
 * the target's ancestors, per-node schedule lists and principal buckets). Kept only as
 * an oracle: grants.test.ts checks the principal-centric versions return exactly the
 * same answers (deep-equal results, violation order included).
 */

function reaches(s: ScheduleFact, principal: PrincipalRef, groups: Set<string> | undefined): string | null {
  if (s.principal.id === principal.id && s.principal.type === principal.type) return '';
  if (groups !== undefined && s.principal.type === 'Group' && groups.has(s.principal.id)) return s.principal.id;
  return null;
}

function principalGroups(index: PolicyIndex, principal: PrincipalRef): Set<string> | undefined | false {
  if (principal.type !== 'User') return undefined;
  const u = index.users.get(principal.id);
  if (!u || u.disabled) return false;
  return index.groupsByUser.get(principal.id);
}

export function referenceHasRole(index: PolicyIndex, principal: PrincipalRef, roleId: string, resourceId: string, at: Millis): boolean {
  const target = nodeOf(index, resourceId);
  if (target === undefined) return false;
  const groups = principalGroups(index, principal);
  if (groups === false) return false;
  for (let n: ResourceNode | null = target; n !== null; n = n.parent) {
    const list = n.active?.get(roleId);
    if (list === undefined) continue;
    for (let j = 0; j < list.length; j++) {
      const s = list[j];
      if (inWindow(s, at) && reaches(s, principal, groups) !== null) return true;
    }
  }
  return false;
}

/** The old parent-walking ancestor test. */
function walkUnder(node: ResourceNode, ancestor: ResourceNode): boolean {
  let n: ResourceNode | null = node;
  for (let d = node.depth; n && d > ancestor.depth; d--) n = n.parent;
  return n === ancestor;
}

function isUnder(index: PolicyIndex, node: ResourceNode, ancestorId: string): boolean {
  const a = nodeOf(index, ancestorId);
  return a !== undefined && walkUnder(node, a);
}

function sourceFor(index: PolicyIndex, userId: string, s: ScheduleFact | undefined): object | null {
  if (!s || s.kind !== 'eligible') return null;
  if (s.principal.type === 'User') return s.principal.id === userId ? { memberType: 'Direct' } : null;
  if (!index.groupsByUser.get(userId)?.has(s.principal.id)) return null;
  return { memberType: 'Group', groupId: s.principal.id, groupName: index.groups.get(s.principal.id)?.name ?? s.principal.id };
}

const blank = (s: string | null | undefined) => s === undefined || s === null || s.trim() === '';

function duplicateViolations(
  out: Violation[],
  index: PolicyIndex,
  userId: string,
  roleId: string,
  node: ResourceNode,
  start: Millis,
  end: Millis,
  now: Millis,
): void {
  const scopeId = node.fact.id;
  const atScope = node.active?.get(roleId) ?? [];
  for (const s of atScope) {
    if (s.principal.type !== 'User' || s.principal.id !== userId) continue;
    if (s.revokedAt !== null && s.revokedAt <= now) continue;
    if (windowsOverlap(s.startAt, effectiveEnd(s), start, end)) {
      out.push({ code: 'overlapping-activation', scopeId, roleId, scheduleId: s.id });
    }
  }
  for (const r of index.requestsByPrincipal.get(userId) ?? []) {
    if (r.principal.type !== 'User' || r.roleId !== roleId || r.scopeId !== scopeId) continue;
    if (r.requestType === 'SelfActivate' && requestStatus(r, now) === 'PendingApproval') {
      out.push({ code: 'pending-request-exists', scopeId, roleId, requestId: r.id });
    }
  }
}

export function referenceEvaluateActivation(index: PolicyIndex, input: ActivationInput): ActivationResult {
  const { userId, eligibilityId, now } = input;
  const v: Violation[] = [];
  const user = index.users.get(userId);
  if (!user) v.push({ code: 'principal-not-found', principal: { type: 'User', id: userId } });
  else if (user.disabled) v.push({ code: 'principal-disabled', principal: { type: 'User', id: userId } });

  const elig = index.schedules.get(eligibilityId);
  const reachable = sourceFor(index, userId, elig) !== null;
  if (!reachable) v.push({ code: 'eligibility-not-found', scheduleId: eligibilityId });
  const roleId = elig?.roleId ?? '';
  const node = nodeOf(index, input.scopeId);
  const scopeId = node?.fact.id ?? input.scopeId;
  if (!node) v.push({ code: 'scope-unknown', scopeId });
  else if (!node.managed) v.push({ code: 'scope-not-managed', scopeId });
  if (node && elig && reachable && !isUnder(index, node, elig.scopeId)) {
    v.push({ code: 'not-eligible-at-scope', scopeId, roleId, scheduleId: elig.id, limit: elig.scopeId });
  }

  const reasons: Reason[] = [];
  if (input.startAt < now - CLOCK_SKEW_MINUTES * MINUTE_MS) v.push({ code: 'start-in-past', value: input.startAt, limit: now });
  const startAt = Math.max(input.startAt, now);
  if (input.startAt < now) reasons.push({ code: 'start-adjusted-to-now', value: input.startAt });

  const g = settingsAtNode(node, scopeId, roleId);
  const s = g.settings;
  reasons.push({ code: g.explicit ? 'settings-explicit' : 'settings-default', scopeId, roleId });
  const d = input.durationMinutes;
  if (!Number.isFinite(d) || d < MIN_ACTIVATION_MINUTES) {
    v.push({ code: 'duration-under-minimum', value: d, limit: MIN_ACTIVATION_MINUTES });
  } else if (d > s.activationMaxMinutes) {
    v.push({ code: 'duration-over-maximum', scopeId, roleId, setting: 'activationMaxMinutes', value: d, limit: s.activationMaxMinutes });
  }

  let endAt = startAt + (Number.isFinite(d) ? d : 0) * MINUTE_MS;
  if (elig && reachable) {
    const eligEnd = effectiveEnd(elig);
    if (elig.revokedAt !== null && elig.revokedAt <= now)
      v.push({ code: 'eligibility-revoked', scheduleId: elig.id, value: elig.revokedAt });
    else if (elig.endAt !== null && elig.endAt <= startAt) v.push({ code: 'eligibility-expired', scheduleId: elig.id, value: elig.endAt });
    else if (startAt < elig.startAt) v.push({ code: 'eligibility-not-started', scheduleId: elig.id, value: elig.startAt });
    if (eligEnd !== null && endAt > eligEnd) {
      endAt = eligEnd;
      reasons.push({ code: 'capped-at-eligibility-end', scheduleId: elig.id, limit: eligEnd });
    }
  }

  if (s.activationRequireJustification && blank(input.justification)) {
    v.push({ code: 'justification-required', scopeId, roleId, setting: 'activationRequireJustification' });
  }
  if (s.activationRequireTicket && (blank(input.ticketNumber) || blank(input.ticketSystem))) {
    v.push({ code: 'ticket-required', scopeId, roleId, setting: 'activationRequireTicket' });
  }
  if (s.activationRequireMfa && !mfaFresh(input.mfaVerifiedAt, now)) {
    v.push({
      code: 'mfa-required',
      scopeId,
      roleId,
      setting: 'activationRequireMfa',
      value: input.mfaVerifiedAt,
      limit: MFA_FRESHNESS_MINUTES,
    });
  }
  if (elig && reachable && node) duplicateViolations(v, index, userId, roleId, node, startAt, endAt, now);

  let outcome: ActivationOutcome = { kind: 'active', startAt, endAt };
  if (node && s.approvalRequired) {
    const a = resolveApprovers(index, s.approvers, userId);
    if (a.userIds.length === 0) v.push({ code: 'no-approver', scopeId, roleId });
    outcome = {
      kind: 'approval',
      approvers: a.refs,
      approverUserIds: a.userIds,
      approvalDeadline: now + s.approvalTimeoutMinutes * MINUTE_MS,
      startAt,
      endAt,
    };
    reasons.push({ code: 'approval-required', scopeId, roleId, setting: 'approvalRequired' });
  } else {
    reasons.push({ code: 'activates-immediately', scopeId, roleId });
  }
  if (v.length) return { ok: false, violations: v };
  return { ok: true, outcome, settings: s, explicit: g.explicit, reasons };
}
