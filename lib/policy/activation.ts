import { schedulesReaching } from './access';
import { resolveApprovers } from './approval';
import { CLOCK_SKEW_MINUTES, DEFAULT_SETTINGS, MFA_FRESHNESS_MINUTES, MINUTE_MS, MIN_ACTIVATION_MINUTES } from './constants';
import type { EligibilityEntry, PrincipalEntry } from './grants';
import { duplicateViolations } from './duplicates';
import type { Reason, Violation } from './reasons';
import { defaultSettingsFor, settingsAtNode } from './settings';
import { descendantNodes, isNodeUnder, nodeOf, type PolicyIndex, type ResourceNode } from './tenant-index';
import { effectiveEnd, scheduleStatus, type ScheduleStatus } from './time';
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

function approvalPreview(
  index: PolicyIndex,
  userId: string,
  node: ResourceNode,
  roleId: string,
  settings: RoleSettings,
  now: Millis,
): ActivationOutcomePreview {
  if (!settings.approvalRequired) return { kind: 'active' };
  const r = resolveApprovers(index, settings.approvers, userId);
  if (r.userIds.length === 0) {
    return { kind: 'blocked', reasons: [{ code: 'no-approver', scopeId: node.fact.id, roleId }] };
  }
  return {
    kind: 'approval',
    approvers: r.refs,
    approverUserIds: r.userIds,
    byPimAdmins: r.pimAdmins,
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
    scope: node.fact,
    scopeId: node.fact.id,
    settings: s,
    explicit: g.explicit,
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
  const candidates = schedulesReaching(index, userId);
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
      eligibility: elig,
      roleId: elig.roleId,
      assignmentScopeId: elig.scopeId,
      status: scheduleStatus(elig, now),
      window: { startAt: elig.startAt, endAt: elig.endAt },
      source,
      scopes: nodes.map((n) => scopeOption(index, userId, elig, n, now)),
      truncated,
    });
  }
  return out;
}

/** One (eligibility, scope) pair: walks ancestors only. Null when it cannot be activated there at all. */
export function activationScopeOption(
  index: PolicyIndex,
  userId: string,
  eligibilityId: string,
  scopeId: string,
  now: Millis,
): ActivationScopeOption | null {
  const user = index.users.get(userId);
  const elig = index.schedules.get(eligibilityId);
  const node = nodeOf(index, scopeId);
  if (!user || user.disabled || !elig || !node || !node.managed || !eligReaches(elig, userId, index.grants.users.get(userId))) return null;
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

/*
 * Module-local copies of the imported constants used per call: under a CommonJS transform
 * (tsx, which runs the benchmark) every read of an imported binding is a getter call.
 */
const MINUTE = MINUTE_MS;
const SKEW_MS = CLOCK_SKEW_MINUTES * MINUTE_MS;
const MFA_MINUTES = MFA_FRESHNESS_MINUTES;
const MFA_MS = MFA_FRESHNESS_MINUTES * MINUTE_MS;
const MIN_MINUTES = MIN_ACTIVATION_MINUTES;
const DEFAULTS = DEFAULT_SETTINGS;

const blank = (s: string | null | undefined) => s === undefined || s === null || s.trim() === '';

/** entryReaches on the fact (activationScopeOption). */
function eligReaches(elig: ScheduleFact, userId: string, entry: PrincipalEntry | undefined): boolean {
  if (elig.kind !== 'eligible') return false;
  if (elig.principal.type === 'User') return elig.principal.id === userId;
  return entry !== undefined && entry.groupSet !== undefined && entry.groupSet.has(elig.principal.id);
}

/** Does the eligibility reach the user (directly, or through one of the user's groups)? sourceFor without building the source. */
function entryReaches(ee: EligibilityEntry, userId: string, entry: PrincipalEntry | undefined): boolean {
  if (ee.userId !== null) return ee.userId === userId;
  return entry !== undefined && entry.groupSet !== undefined && entry.groupSet.has(ee.groupId!);
}

/**
 * Rules 2, 4, 5 and the settings: every violation is collected, not just the first (the
 * order of the checks is the order of the violations, which callers and tests rely on).
 * One lookup of the user's entry (ADR 011) gives the user, their groups, their own active
 * grants and their pending requests; ancestry is one read of the scope's path.
 */
export function evaluateActivation(index: PolicyIndex, input: ActivationInput): ActivationResult {
  const { userId, eligibilityId, now } = input;
  const g = index.grants;
  const v: Violation[] = [];
  // eligible schedules come with their window and scope node copied inline;
  // only those can be reachable: any other id (an active schedule, a typo) is looked up
  // as before, for its role, and fails
  const ee = g.eligibilities.get(eligibilityId);
  // the requester's entry: a user's own eligibility already points at it
  const entry = ee !== undefined && ee.userId === userId ? ee.user : g.users.get(userId);
  // entry.fact is index.users.get(userId); `holds` is "known and not disabled", so the fact itself is not loaded
  if (entry === undefined || entry.fact === undefined) v.push({ code: 'principal-not-found', principal: { type: 'User', id: userId } });
  else if (!entry.holds) v.push({ code: 'principal-disabled', principal: { type: 'User', id: userId } });

  const reachable = ee !== undefined && entryReaches(ee, userId, entry);
  const roleId = ee !== undefined ? ee.roleId : (index.schedules.get(eligibilityId)?.roleId ?? '');
  if (!reachable) v.push({ code: 'eligibility-not-found', scheduleId: eligibilityId });
  const node = nodeOf(index, input.scopeId);
  const scopeId = node?.id ?? input.scopeId;
  if (!node) v.push({ code: 'scope-unknown', scopeId });
  else if (!node.managed) v.push({ code: 'scope-not-managed', scopeId });
  // under the eligibility's scope iff that scope sits on the activation scope's path
  if (node && reachable && !(ee.node !== undefined && isNodeUnder(node, ee.node))) {
    v.push({ code: 'not-eligible-at-scope', scopeId, roleId, scheduleId: ee.s.id, limit: ee.s.scopeId });
  }

  if (input.startAt < now - SKEW_MS) v.push({ code: 'start-in-past', value: input.startAt, limit: now });
  const startAt = Math.max(input.startAt, now);

  // settingsAtNode without the wrapper object: exact (scope, role) or the defaults
  const explicitSettings = node?.settings?.get(roleId);
  const s = explicitSettings || defaultSettingsFor(roleId);
  const d = input.durationMinutes;
  if (!Number.isFinite(d) || d < MIN_MINUTES) {
    v.push({ code: 'duration-under-minimum', value: d, limit: MIN_MINUTES });
  } else if (d > s.activationMaxMinutes) {
    v.push({ code: 'duration-over-maximum', scopeId, roleId, setting: 'activationMaxMinutes', value: d, limit: s.activationMaxMinutes });
  }

  let endAt = startAt + (Number.isFinite(d) ? d : 0) * MINUTE;
  let cappedAt: Millis | null = null;
  if (reachable) {
    // effectiveEnd on the copied window: the earlier of end and revocation, null = never
    const eligEnd = ee.revokedAt === null ? ee.endAt : ee.endAt === null ? ee.revokedAt : Math.min(ee.endAt, ee.revokedAt);
    if (ee.revokedAt !== null && ee.revokedAt <= now) v.push({ code: 'eligibility-revoked', scheduleId: ee.s.id, value: ee.revokedAt });
    else if (ee.endAt !== null && ee.endAt <= startAt) v.push({ code: 'eligibility-expired', scheduleId: ee.s.id, value: ee.endAt });
    else if (startAt < ee.startAt) v.push({ code: 'eligibility-not-started', scheduleId: ee.s.id, value: ee.startAt });
    // rule 4: the activation never outlives the eligibility it comes from
    if (eligEnd !== null && endAt > eligEnd) endAt = cappedAt = eligEnd;
  }

  if (s.activationRequireJustification && blank(input.justification)) {
    v.push({ code: 'justification-required', scopeId, roleId, setting: 'activationRequireJustification' });
  }
  if (s.activationRequireTicket && (blank(input.ticketNumber) || blank(input.ticketSystem))) {
    v.push({ code: 'ticket-required', scopeId, roleId, setting: 'activationRequireTicket' });
  }
  if (s.activationRequireMfa && !mfaFresh(input.mfaVerifiedAt, now)) {
    v.push({ code: 'mfa-required', scopeId, roleId, setting: 'activationRequireMfa', value: input.mfaVerifiedAt, limit: MFA_MINUTES });
  }
  // reachable implies an entry: a user id that reaches an eligibility appears in the snapshot
  if (reachable && node && entry !== undefined) {
    v.push(
      ...duplicateViolations(
        index,
        {
          principal: { type: 'User', id: userId },
          kind: 'active',
          roleId,
          scopeId,
          startAt,
          endAt,
          now,
          pending: 'activation',
        },
        'activation',
      ),
    );
  }

  let outcome: ActivationOutcome | undefined;
  if (node && s.approvalRequired) {
    const a = resolveApprovers(index, s.approvers, userId);
    if (a.userIds.length === 0) v.push({ code: 'no-approver', scopeId, roleId });
    else if (v.length === 0) {
      outcome = {
        kind: 'approval',
        approvers: a.refs,
        approverUserIds: a.userIds,
        approvalDeadline: now + s.approvalTimeoutMinutes * MINUTE,
        startAt,
        endAt,
      };
    }
  }
  if (v.length) return { ok: false, violations: v };

  const explicit = !!explicitSettings;
  // accepted: the reasons, in the order the checks above ran
  const reasons: Reason[] = [];
  if (input.startAt < now) reasons.push({ code: 'start-adjusted-to-now', value: input.startAt });
  reasons.push({ code: explicit ? 'settings-explicit' : 'settings-default', scopeId, roleId });
  if (cappedAt !== null) reasons.push({ code: 'capped-at-eligibility-end', scheduleId: ee!.s.id, limit: cappedAt });
  if (outcome) reasons.push({ code: 'approval-required', scopeId, roleId, setting: 'approvalRequired' });
  else {
    outcome = { kind: 'active', startAt, endAt };
    reasons.push({ code: 'activates-immediately', scopeId, roleId });
  }
  return { ok: true, outcome, settings: s, explicit, reasons };
}

/** MFA counts if verified within MFA_FRESHNESS_MINUTES before now (a future timestamp is not trusted). */
export function mfaFresh(verifiedAt: Millis | null | undefined, now: Millis): boolean {
  return verifiedAt !== null && verifiedAt !== undefined && verifiedAt <= now + SKEW_MS && now - verifiedAt <= MFA_MS;
}

/** Request types that would move an existing schedule's window. */
const WINDOW_CHANGES: ReadonlySet<string> = new Set(['AdminUpdate', 'AdminExtend', 'AdminRenew', 'SelfExtend', 'SelfRenew']);

/**
 * Rule 4, by any path: an activation is never extended, renewed or changed by an admin
 * update — its holder activates again, within the governing maximum. Removing or
 * deactivating it stays allowed. Eligibilities and directly assigned active assignments
 * are not activations and are not refused here.
 */
export function activationChangeViolation(index: PolicyIndex, target: ScheduleFact, requestType: string): Violation | null {
  if (target.kind !== 'active' || target.origin !== 'activated' || !WINDOW_CHANGES.has(requestType)) return null;
  const s = nodeOf(index, target.scopeId)?.settings?.get(target.roleId) || DEFAULTS;
  return {
    code: 'activation-not-extendable',
    requestType,
    scopeId: target.scopeId,
    roleId: target.roleId,
    scheduleId: target.id,
    setting: 'activationMaxMinutes',
    limit: s.activationMaxMinutes,
  };
}

/**
 * Rule 4 when an eligibility's window changes: the end a linked activation must take so it
 * does not outlive an eligibility now ending at `eligibilityEnd` (null: it need not change).
 */
export function activationEndWithin(activation: ScheduleFact, eligibilityEnd: Millis | null): Millis | null {
  if (eligibilityEnd === null || activation.revokedAt !== null) return null;
  if (activation.endAt !== null && activation.endAt <= eligibilityEnd) return null;
  return Math.max(eligibilityEnd, activation.startAt);
}

/** How an eligibility's window changed: its end moved (update, extend), or it was removed. */
export type EligibilityChange = { endAt: Millis | null } | { revokedAt: Millis };

/** One linked activation to change so it does not outlive its eligibility (rule 4). */
export type LinkedActivationChange = { scheduleId: string; endAt: Millis } | { scheduleId: string; revokedAt: Millis };

/**
 * Rule 4's cascade, by any path that changes an eligibility: removing it ends every activation
 * still standing on it at once; moving its end caps each that would outlive it
 * (activationEndWithin). Services write what this returns and decide nothing themselves.
 */
export function linkedActivationChanges(activations: readonly ScheduleFact[], change: EligibilityChange): LinkedActivationChange[] {
  const out: LinkedActivationChange[] = [];
  for (const a of activations) {
    if ('revokedAt' in change) {
      if (a.revokedAt === null) out.push({ scheduleId: a.id, revokedAt: change.revokedAt });
      continue;
    }
    const endAt = activationEndWithin(a, change.endAt);
    if (endAt !== null) out.push({ scheduleId: a.id, endAt });
  }
  return out;
}
