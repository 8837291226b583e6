import { resolveApprovers } from './approval';
import { CLOCK_SKEW_MINUTES, MFA_FRESHNESS_MINUTES, MINUTE_MS, MIN_ACTIVATION_MINUTES } from './constants';
import type { Reason, Violation } from './reasons';
import { settingsAtNode } from './settings';
import { descendantNodes, isNodeUnder, nodeOf, type PolicyIndex, type ResourceNode } from './tenant-index';
import { effectiveEnd, requestStatus, scheduleStatus, windowsOverlap, type ScheduleStatus } from './time';
import type { Millis, PrincipalRef, ResourceFact, RoleSettings, ScheduleFact } from './types';

export interface ActivationRequirements {
  mfa: boolean;
  justification: boolean;
  ticket: boolean;
}

export type ActivationOutcomePreview =
  | { kind: 'active' }
  | {
      kind: 'approval';
      /** named approvers (requester removed) or, when none are named, the tenant PIM admins */
      approvers: PrincipalRef[];
      approverUserIds: string[];
      byPimAdmins: boolean;
      timeoutMinutes: number;
      /** approval deadline if the request were submitted at `now` */
      deadlineIfSubmittedNow: Millis;
    }
  | { kind: 'blocked'; reasons: Violation[] };

export interface ActivationScopeOption {
  scope: ResourceFact;
  scopeId: string;
  /** settings of the activation scope and role (rule 2), never the assignment scope's */
  settings: RoleSettings;
  explicit: boolean;
  /** min(settings maximum, minutes left in the eligibility) */
  maxDurationMinutes: number;
  requirements: ActivationRequirements;
  outcome: ActivationOutcomePreview;
}

export type MemberSource = { memberType: 'Direct' } | { memberType: 'Group'; groupId: string; groupName: string };

export interface ActivationOption {
  eligibility: ScheduleFact;
  roleId: string;
  assignmentScopeId: string;
  status: ScheduleStatus;
  window: { startAt: Millis; endAt: Millis | null };
  source: MemberSource;
  /** the assignment scope (if managed) and every managed descendant (up to opts.scopeLimit) */
  scopes: ActivationScopeOption[];
  /** true when opts.scopeLimit cut the scope list short */
  truncated: boolean;
}

export interface ActivationOptionsOpts {
  /**
   * Cap on scopes listed per eligibility. An eligibility on a management group reaches
   * every resource below it (100k in an enterprise tenant); pages list the top of the
   * subtree and use activationScopeOption for a chosen scope.
   */
  scopeLimit?: number;
}

/** How the eligibility reaches the user, or null if it does not (or is not an eligibility). */
function sourceFor(index: PolicyIndex, userId: string, s: ScheduleFact | undefined): MemberSource | null {
  if (!s || s.kind !== 'eligible') return null;
  if (s.principal.type === 'User') return s.principal.id === userId ? { memberType: 'Direct' } : null;
  if (!index.groupsByUser.get(userId)?.has(s.principal.id)) return null;
  return { memberType: 'Group', groupId: s.principal.id, groupName: index.groups.get(s.principal.id)?.name ?? s.principal.id };
}

function approvalPreview(index: PolicyIndex, userId: string, node: ResourceNode, roleId: string, settings: RoleSettings, now: Millis): ActivationOutcomePreview {
  if (!settings.approvalRequired) return { kind: 'active' };
  const r = resolveApprovers(index, settings.approvers, userId);
  if (r.userIds.length === 0) {
    return { kind: 'blocked', reasons: [{ code: 'no-approver', scopeId: node.fact.id, roleId }] };
  }
  return {
    kind: 'approval', approvers: r.refs, approverUserIds: r.userIds, byPimAdmins: r.pimAdmins,
    timeoutMinutes: settings.approvalTimeoutMinutes,
    deadlineIfSubmittedNow: now + settings.approvalTimeoutMinutes * MINUTE_MS,
  };
}

function scopeOption(index: PolicyIndex, userId: string, elig: ScheduleFact, node: ResourceNode, now: Millis): ActivationScopeOption {
  const g = settingsAtNode(node, node.fact.id, elig.roleId);
  const s = g.settings;
  const end = effectiveEnd(elig);
  const from = Math.max(now, elig.startAt);
  const left = end === null ? Infinity : Math.max(0, Math.floor((end - from) / MINUTE_MS));
  return {
    scope: node.fact, scopeId: node.fact.id, settings: s, explicit: g.explicit,
    maxDurationMinutes: Math.min(s.activationMaxMinutes, left),
    requirements: { mfa: s.activationRequireMfa, justification: s.activationRequireJustification, ticket: s.activationRequireTicket },
    outcome: approvalPreview(index, userId, node, elig.roleId, s, now),
  };
}

function isLive(s: ScheduleFact, now: Millis): boolean {
  const st = scheduleStatus(s, now);
  return st === 'Active' || st === 'Scheduled';
}

/**
 * Everything the user may activate, where, and what it takes. Enumerates managed
 * descendants of each eligibility scope: fine for "My roles", not for point checks
 * (use activationScopeOption).
 */
export function activationOptions(index: PolicyIndex, userId: string, now: Millis, opts: ActivationOptionsOpts = {}): ActivationOption[] {
  const limit = opts.scopeLimit ?? Infinity;
  const user = index.users.get(userId);
  if (!user || user.disabled) return [];
  const candidates: ScheduleFact[] = [...(index.schedulesByUser.get(userId) ?? [])];
  for (const gid of index.groupsByUser.get(userId) ?? []) candidates.push(...(index.schedulesByGroup.get(gid) ?? []));
  const out: ActivationOption[] = [];
  for (const elig of candidates) {
    if (elig.kind !== 'eligible' || !isLive(elig, now)) continue;
    const node = nodeOf(index, elig.scopeId);
    const source = sourceFor(index, userId, elig);
    if (!node || !source) continue;
    const nodes = descendantNodes(node, true, limit + 1, true);
    const truncated = nodes.length > limit;
    if (truncated) nodes.length = limit;
    out.push({
      eligibility: elig, roleId: elig.roleId, assignmentScopeId: elig.scopeId,
      status: scheduleStatus(elig, now), window: { startAt: elig.startAt, endAt: elig.endAt }, source,
      scopes: nodes.map((n) => scopeOption(index, userId, elig, n, now)), truncated,
    });
  }
  return out;
}

/** One (eligibility, scope) pair: walks ancestors only. Null when it cannot be activated there at all. */
export function activationScopeOption(
  index: PolicyIndex, userId: string, eligibilityId: string, scopeId: string, now: Millis,
): ActivationScopeOption | null {
  const user = index.users.get(userId);
  const elig = index.schedules.get(eligibilityId);
  const node = nodeOf(index, scopeId);
  if (!user || user.disabled || !elig || !node || !node.managed || !sourceFor(index, userId, elig)) return null;
  if (!isLive(elig, now) || !isUnder(index, node, elig.scopeId)) return null;
  return scopeOption(index, userId, elig, node, now);
}

function isUnder(index: PolicyIndex, node: ResourceNode, ancestorId: string): boolean {
  const a = nodeOf(index, ancestorId);
  return a !== undefined && isNodeUnder(node, a);
}

export interface ActivationInput {
  userId: string;
  eligibilityId: string;
  scopeId: string;
  startAt: Millis;
  durationMinutes: number;
  justification?: string | null;
  ticketNumber?: string | null;
  ticketSystem?: string | null;
  mfaVerifiedAt: Millis | null;
  now: Millis;
}

export type ActivationOutcome =
  | { kind: 'active'; startAt: Millis; endAt: Millis }
  | { kind: 'approval'; approvers: PrincipalRef[]; approverUserIds: string[]; approvalDeadline: Millis; startAt: Millis; endAt: Millis };

export type ActivationResult =
  | { ok: true; outcome: ActivationOutcome; settings: RoleSettings; explicit: boolean; reasons: Reason[] }
  | { ok: false; violations: Violation[] };

const blank = (s: string | null | undefined) => s === undefined || s === null || s.trim() === '';

/**
 * Rule 5: an overlapping active schedule or a live pending SelfActivate for the same
 * (principal, role, scope). Reads the activation scope's own schedules for the role
 * (bucketed by user when busy) rather than all of the user's schedules.
 */
function duplicateViolations(out: Violation[], index: PolicyIndex, userId: string, roleId: string, node: ResourceNode, start: Millis, end: Millis, now: Millis): void {
  const scopeId = node.fact.id;
  const buckets = node.activeByPrincipal?.get(roleId);
  const atScope = (buckets ? buckets.users.get(userId) : node.active?.get(roleId)) ?? [];
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

/** Rules 2, 4, 5 and the settings: every violation is collected, not just the first. */
export function evaluateActivation(index: PolicyIndex, input: ActivationInput): ActivationResult {
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
    if (elig.revokedAt !== null && elig.revokedAt <= now) v.push({ code: 'eligibility-revoked', scheduleId: elig.id, value: elig.revokedAt });
    else if (elig.endAt !== null && elig.endAt <= startAt) v.push({ code: 'eligibility-expired', scheduleId: elig.id, value: elig.endAt });
    else if (startAt < elig.startAt) v.push({ code: 'eligibility-not-started', scheduleId: elig.id, value: elig.startAt });
    // rule 4: the activation never outlives the eligibility it comes from
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
    v.push({ code: 'mfa-required', scopeId, roleId, setting: 'activationRequireMfa', value: input.mfaVerifiedAt, limit: MFA_FRESHNESS_MINUTES });
  }
  if (elig && reachable && node) duplicateViolations(v, index, userId, roleId, node, startAt, endAt, now);

  let outcome: ActivationOutcome = { kind: 'active', startAt, endAt };
  if (node && s.approvalRequired) {
    const a = resolveApprovers(index, s.approvers, userId);
    if (a.userIds.length === 0) v.push({ code: 'no-approver', scopeId, roleId });
    outcome = {
      kind: 'approval', approvers: a.refs, approverUserIds: a.userIds,
      approvalDeadline: now + s.approvalTimeoutMinutes * MINUTE_MS, startAt, endAt,
    };
    reasons.push({ code: 'approval-required', scopeId, roleId, setting: 'approvalRequired' });
  } else {
    reasons.push({ code: 'activates-immediately', scopeId, roleId });
  }
  if (v.length) return { ok: false, violations: v };
  return { ok: true, outcome, settings: s, explicit: g.explicit, reasons };
}

/** MFA counts if verified within MFA_FRESHNESS_MINUTES before now (a future timestamp is not trusted). */
export function mfaFresh(verifiedAt: Millis | null | undefined, now: Millis): boolean {
  return verifiedAt !== null && verifiedAt !== undefined && verifiedAt <= now + CLOCK_SKEW_MINUTES * MINUTE_MS
    && now - verifiedAt <= MFA_FRESHNESS_MINUTES * MINUTE_MS;
}
