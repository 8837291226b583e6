import { managementAccess, managersOf } from './access';
import { activationChangeViolation, mfaFresh } from './activation';
import { DAY_MS, EXTEND_WINDOW_DAYS, RENEW_WINDOW_DAYS } from './constants';
import { duplicateViolations } from './duplicates';
import type { Reason, Violation } from './reasons';
import { selfGrantViolation } from './separation';
import { settingsAtNode } from './settings';
import { nodeOf, type PolicyIndex } from './tenant-index';
import { effectiveEnd, scheduleStatus } from './time';
import type { AssignmentKind, Millis, PrincipalRef, RoleSettings, ScheduleFact } from './types';

export type AdminRequestType = 'AdminAssign' | 'AdminUpdate' | 'AdminRemove' | 'AdminExtend' | 'AdminRenew';

export interface AdminRequestInput {
  actorId: string;
  requestType: AdminRequestType;
  kind: AssignmentKind;
  principal: PrincipalRef;
  roleId: string;
  scopeId: string;
  startAt: Millis;
  endAt: Millis | null;
  justification?: string | null;
  mfaVerifiedAt?: Millis | null;
  targetScheduleId?: string | null;
  now: Millis;
}

export type AdminResult =
  { ok: true; reasons: Reason[]; settings: RoleSettings; explicit: boolean } | { ok: false; violations: Violation[] };

const blank = (s: string | null | undefined) => s === undefined || s === null || s.trim() === '';

/** The target must exist and be the same (kind, principal, role, scope) the request names. */
function targetOf(
  index: PolicyIndex,
  id: string | null | undefined,
  kind: AssignmentKind,
  p: PrincipalRef,
  roleId: string,
  scopeId: string,
): ScheduleFact | null {
  const t = id ? index.schedules.get(id) : undefined;
  if (!t || t.kind !== kind || t.roleId !== roleId || t.scopeId !== scopeId || t.principal.type !== p.type || t.principal.id !== p.id)
    return null;
  return t;
}

/** Extend: only a time-bound, not-yet-ended assignment ending within EXTEND_WINDOW_DAYS. */
function extendViolation(t: ScheduleFact, now: Millis): Violation | null {
  if (t.endAt === null) return { code: 'not-in-extend-window', scheduleId: t.id, value: 'permanent', limit: EXTEND_WINDOW_DAYS };
  const ended = scheduleStatus(t, now) === 'Expired' || scheduleStatus(t, now) === 'Revoked';
  if (ended || t.endAt - now > EXTEND_WINDOW_DAYS * DAY_MS) {
    return { code: 'not-in-extend-window', scheduleId: t.id, value: t.endAt, limit: EXTEND_WINDOW_DAYS };
  }
  return null;
}

/** Renew: only an assignment that ended (expired or revoked) within the last RENEW_WINDOW_DAYS. */
function renewViolation(t: ScheduleFact, now: Millis): Violation | null {
  const end = effectiveEnd(t);
  if (end === null || end > now || now - end > RENEW_WINDOW_DAYS * DAY_MS) {
    return { code: 'not-in-renew-window', scheduleId: t.id, value: end, limit: RENEW_WINDOW_DAYS };
  }
  return null;
}

/** Window rules of the scope-role the assignment is made at (rule 4, second half). */
function windowViolations(
  s: RoleSettings,
  kind: AssignmentKind,
  startAt: Millis,
  endAt: Millis | null,
  scopeId: string,
  roleId: string,
): Violation[] {
  const out: Violation[] = [];
  const eligible = kind === 'eligible';
  if (endAt === null) {
    const allowed = eligible ? s.eligiblePermanentAllowed : s.activePermanentAllowed;
    if (!allowed)
      out.push({
        code: 'permanent-not-allowed',
        scopeId,
        roleId,
        setting: eligible ? 'eligiblePermanentAllowed' : 'activePermanentAllowed',
      });
    return out;
  }
  if (endAt <= startAt) out.push({ code: 'end-before-start', value: endAt, limit: startAt });
  const maxDays = eligible ? s.eligibleMaxDays : s.activeMaxDays;
  if (endAt - startAt > maxDays * DAY_MS) {
    out.push({
      code: 'window-too-long',
      scopeId,
      roleId,
      setting: eligible ? 'eligibleMaxDays' : 'activeMaxDays',
      value: (endAt - startAt) / DAY_MS,
      limit: maxDays,
    });
  }
  return out;
}

/**
 * Rules 7, 10 and 4 plus the assignment settings: may the actor make this change? Collects
 * every violation. The settings' Enablement_Admin_Assignment (justification, MFA) apply to
 * every request that creates or changes active access: assign, update, extend and renew of
 * kind 'active' (a removal grants nothing).
 */
export function evaluateAdminRequest(index: PolicyIndex, input: AdminRequestInput): AdminResult {
  const { requestType, kind, principal, roleId, now } = input;
  const v: Violation[] = [];
  const node = nodeOf(index, input.scopeId);
  const scopeId = node?.fact.id ?? input.scopeId;
  if (!node) v.push({ code: 'scope-unknown', scopeId });
  else if (!node.managed) v.push({ code: 'scope-not-managed', scopeId });
  const access = managementAccess(index, input.actorId, scopeId, now);
  if (!access.allowed) v.push({ code: 'not-authorized', scopeId, principal: { type: 'User', id: input.actorId } });
  // rule 10: never for oneself (or one's group), PIM administrators included; removal stays allowed
  pushIf(v, selfGrantViolation(index, { actorId: input.actorId, requestType, principal, roleId, scopeId, now }));
  if (principal.type === 'User') {
    const u = index.users.get(principal.id);
    if (!u) v.push({ code: 'principal-not-found', principal });
    else if (u.disabled) v.push({ code: 'principal-disabled', principal });
  } else if (!index.groups.has(principal.id)) {
    v.push({ code: 'principal-not-found', principal });
  }
  if (!index.roles.has(roleId)) v.push({ code: 'role-not-found', roleId });

  const g = settingsAtNode(node, scopeId, roleId);
  const s = g.settings;
  const needsTarget = requestType !== 'AdminAssign';
  const target = needsTarget ? targetOf(index, input.targetScheduleId, kind, principal, roleId, scopeId) : null;
  if (needsTarget && !target) v.push({ code: 'target-not-found', scheduleId: input.targetScheduleId ?? undefined });
  // rule 4: an activation is removed, never updated, extended or renewed; its holder activates again
  const fixed = target ? activationChangeViolation(index, target, requestType) : null;
  pushIf(v, fixed);

  if (requestType === 'AdminRemove') {
    if (target && target.revokedAt !== null && target.revokedAt <= now) v.push({ code: 'target-already-revoked', scheduleId: target.id });
  } else {
    v.push(...windowViolations(s, kind, input.startAt, input.endAt, scopeId, roleId));
    if (kind === 'active' && s.activeRequireJustification && blank(input.justification)) {
      v.push({ code: 'justification-required', scopeId, roleId, setting: 'activeRequireJustification' });
    }
    if (kind === 'active' && s.activeRequireMfa && !mfaFresh(input.mfaVerifiedAt, now)) {
      v.push({ code: 'mfa-required', scopeId, roleId, setting: 'activeRequireMfa', value: input.mfaVerifiedAt ?? null });
    }
    if (target && !fixed && requestType === 'AdminExtend') pushIf(v, extendViolation(target, now));
    if (target && !fixed && requestType === 'AdminRenew') pushIf(v, renewViolation(target, now));
    v.push(
      ...duplicateViolations(
        index,
        {
          principal,
          kind,
          roleId,
          scopeId,
          startAt: input.startAt,
          endAt: input.endAt,
          now,
          exceptScheduleId: target?.id ?? null,
        },
        'assignment',
      ),
    );
  }
  if (v.length) return { ok: false, violations: v };
  return {
    ok: true,
    reasons: [...access.reasons, { code: g.explicit ? 'settings-explicit' : 'settings-default', scopeId, roleId }],
    settings: s,
    explicit: g.explicit,
  };
}

function pushIf(v: Violation[], x: Violation | null) {
  if (x) v.push(x);
}

export interface SelfRequestInput {
  userId: string;
  requestType: 'SelfExtend' | 'SelfRenew' | 'SelfDeactivate';
  targetScheduleId: string;
  /** requested new window (extend/renew); ignored for deactivate */
  startAt?: Millis;
  endAt?: Millis | null;
  justification?: string | null;
  now: Millis;
}

export type SelfRequestResult =
  { ok: true; reasons: Reason[]; settings: RoleSettings; approverUserIds: string[] } | { ok: false; violations: Violation[] };

/**
 * A principal asking about their own assignment. Extend/renew go to admin approval
 * (approvers = those with management access at the scope, minus the requester);
 * deactivate ends an activation the user holds, at once.
 */
export function evaluateSelfRequest(index: PolicyIndex, input: SelfRequestInput): SelfRequestResult {
  const { userId, requestType, now } = input;
  const v: Violation[] = [];
  const me: PrincipalRef = { type: 'User', id: userId };
  const user = index.users.get(userId);
  if (!user) v.push({ code: 'principal-not-found', principal: me });
  else if (user.disabled) v.push({ code: 'principal-disabled', principal: me });
  const t = index.schedules.get(input.targetScheduleId);
  const mine = t && t.principal.type === 'User' && t.principal.id === userId ? t : null;
  if (!mine) {
    v.push({ code: 'target-not-found', scheduleId: input.targetScheduleId });
    return { ok: false, violations: v };
  }
  const g = settingsAtNode(nodeOf(index, mine.scopeId), mine.scopeId, mine.roleId);
  const base = { scopeId: mine.scopeId, roleId: mine.roleId, scheduleId: mine.id };
  // rule 4: an activation is not extended or renewed; the user activates again
  const fixed = activationChangeViolation(index, mine, requestType);
  if (fixed) return { ok: false, violations: [...v, fixed] };
  if (requestType === 'SelfDeactivate') {
    const st = scheduleStatus(mine, now);
    if (mine.kind !== 'active' || mine.origin !== 'activated' || (st !== 'Active' && st !== 'Scheduled')) {
      v.push({ code: 'not-active-or-scheduled', ...base });
    }
    return v.length ? { ok: false, violations: v } : { ok: true, reasons: [], settings: g.settings, approverUserIds: [] };
  }
  pushIf(v, requestType === 'SelfExtend' ? extendViolation(mine, now) : renewViolation(mine, now));
  const startAt = input.startAt ?? (requestType === 'SelfExtend' ? mine.startAt : now);
  const endAt = input.endAt === undefined ? null : input.endAt;
  v.push(...windowViolations(g.settings, mine.kind, startAt, endAt, mine.scopeId, mine.roleId));
  if (blank(input.justification)) v.push({ code: 'justification-required', ...base });
  // rule 5 for extend/renew: no overlap, and one pending request per assignment
  v.push(
    ...duplicateViolations(
      index,
      {
        principal: me,
        kind: mine.kind,
        roleId: mine.roleId,
        scopeId: mine.scopeId,
        startAt,
        endAt,
        now,
        exceptScheduleId: mine.id,
        pending: { targetScheduleId: mine.id },
      },
      'assignment',
    ),
  );
  const approverUserIds = managersOf(index, mine.scopeId, now)
    .map((m) => m.userId)
    .filter((id) => id !== userId);
  if (approverUserIds.length === 0) v.push({ code: 'no-approver', ...base });
  if (v.length) return { ok: false, violations: v };
  return { ok: true, reasons: [{ code: 'goes-to-admin-approval', ...base }], settings: g.settings, approverUserIds };
}
