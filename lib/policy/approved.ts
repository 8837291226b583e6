import { activationChangeViolation, activationScopeOption } from './activation';
import { DAY_MS, MINUTE_MS } from './constants';
import { duplicateViolations } from './duplicates';
import type { Violation } from './reasons';
import { settingsFor } from './settings';
import type { PolicyIndex } from './tenant-index';
import { effectiveEnd, scheduleStatus } from './time';
import type { Millis, ScheduleFact } from './types';

/**
 * What an approval carries out, decided here (rules 4, 5 and 6), so the approvals service
 * only writes the answer: the window an approved activation gets, the window an approved
 * extension or renewal gets, and the default window a self extend / renew asks for.
 */

/**
 * Rule 6 and rule 4 for an approved activation: it starts when approved (or at the requested
 * start, if later), lasts the requested duration, and never outlives the eligibility it comes
 * from. The duration is the one asked for, not the (possibly capped) end stored at submission:
 * an eligibility extended while the request waited gives the full duration.
 */
export function approvedActivationWindow(
  requestedStart: Millis,
  durationMinutes: number,
  approvedAt: Millis,
  eligibility: ScheduleFact,
): { startAt: Millis; endAt: Millis; capped: boolean } {
  const startAt = Math.max(approvedAt, requestedStart);
  const wanted = startAt + durationMinutes * MINUTE_MS;
  const eligEnd = effectiveEnd(eligibility);
  if (eligEnd !== null && wanted > eligEnd) return { startAt, endAt: eligEnd, capped: true };
  return { startAt, endAt: wanted, capped: false };
}

export interface ApprovedActivationInput {
  requestId: string;
  requesterId: string;
  roleId: string;
  scopeId: string;
  eligibilityId: string | null;
  requestedStart: Millis;
  durationMinutes: number;
  approvedAt: Millis;
}

export type ApprovedActivation =
  { ok: true; eligibility: ScheduleFact; startAt: Millis; endAt: Millis; capped: boolean } | { ok: false; violation: Violation };

/**
 * Can an approved SelfActivate still be carried out, and with which window? The world may
 * have changed while it waited: the eligibility removed or ended, the user out of the group,
 * or an overlapping activation or assignment made meanwhile (rule 5, asked again).
 */
export function evaluateApprovedActivation(index: PolicyIndex, input: ApprovedActivationInput): ApprovedActivation {
  const { roleId, scopeId, approvedAt } = input;
  const elig = input.eligibilityId ? index.schedules.get(input.eligibilityId) : undefined;
  const option = input.eligibilityId ? activationScopeOption(index, input.requesterId, input.eligibilityId, scopeId, approvedAt) : null;
  if (!elig || !option) {
    const st = elig ? scheduleStatus(elig, approvedAt) : null;
    if (elig && st === 'Revoked') return { ok: false, violation: { code: 'eligibility-revoked', roleId, scheduleId: elig.id } };
    if (elig && st === 'Expired') return { ok: false, violation: { code: 'eligibility-expired', roleId, scheduleId: elig.id } };
    return { ok: false, violation: { code: 'not-eligible-at-scope', roleId, scopeId } };
  }
  const win = approvedActivationWindow(input.requestedStart, input.durationMinutes, approvedAt, elig);
  if (win.endAt <= win.startAt) return { ok: false, violation: { code: 'eligibility-expired', roleId, scheduleId: elig.id } };
  const [clash] = duplicateViolations(
    index,
    {
      principal: { type: 'User', id: input.requesterId },
      kind: 'active',
      roleId,
      scopeId,
      startAt: win.startAt,
      endAt: win.endAt,
      now: approvedAt,
    },
    'activation',
  );
  if (clash) return { ok: false, violation: clash };
  return { ok: true, eligibility: elig, ...win };
}

/**
 * ADR 110, renew has one meaning: a renewal is a new assignment (as an assignment is), never
 * the revival of the ended one, which stays in history as it was. Admin and self paths ask this.
 */
export function createsSchedule(requestType: string): boolean {
  return requestType === 'AdminAssign' || requestType === 'AdminRenew' || requestType === 'SelfRenew';
}

export interface ApprovedChangeInput {
  requestType: 'SelfExtend' | 'SelfRenew';
  principalId: string;
  targetScheduleId: string | null;
  requestedStart: Millis;
  requestedEnd: Millis | null;
  approvedAt: Millis;
}

/**
 * An approved self extend or renew (ADR 110: renew has one meaning). An extension moves the
 * end of the same assignment; a renewal is a new assignment from approval, of the length asked
 * for, and the ended one stays in history as it was. `createsSchedule` says which to write.
 */
export type ApprovedChange =
  { ok: true; target: ScheduleFact; createsSchedule: boolean; startAt: Millis; endAt: Millis | null } | { ok: false; violation: Violation };

export function evaluateApprovedChange(index: PolicyIndex, input: ApprovedChangeInput): ApprovedChange {
  const { approvedAt } = input;
  const target = input.targetScheduleId ? index.schedules.get(input.targetScheduleId) : undefined;
  if (!target || target.principal.id !== input.principalId) return { ok: false, violation: { code: 'target-not-found' } };
  // rule 4, for requests that were waiting before activations stopped being extendable: they are never stretched
  const fixed = activationChangeViolation(index, target, input.requestType);
  if (fixed) return { ok: false, violation: fixed };
  const renew = input.requestType === 'SelfRenew';
  // an extension keeps the assignment alive; one removed meanwhile is not brought back by it
  if (!renew && target.revokedAt !== null && target.revokedAt <= approvedAt) {
    return { ok: false, violation: { code: 'target-already-revoked', scheduleId: target.id } };
  }
  const startAt = renew ? Math.max(approvedAt, input.requestedStart) : target.startAt;
  const endAt = !renew || input.requestedEnd === null ? input.requestedEnd : startAt + (input.requestedEnd - input.requestedStart);
  // rule 5 again: an admin may have made an overlapping assignment while the request waited
  const [clash] = duplicateViolations(
    index,
    {
      principal: target.principal,
      kind: target.kind,
      roleId: target.roleId,
      scopeId: target.scopeId,
      startAt,
      endAt,
      now: approvedAt,
      exceptScheduleId: target.id,
    },
    'assignment',
  );
  if (clash) return { ok: false, violation: clash };
  return { ok: true, target, createsSchedule: createsSchedule(input.requestType), startAt, endAt };
}

/**
 * The window a self extend or renew asks for when the requester names no end: an end given
 * wins; else a length from now; else the longest the assignment settings of its scope-role
 * allow for its kind. It is measured from now (the settings check the window asked for).
 */
export function selfChangeWindow(
  index: PolicyIndex,
  target: ScheduleFact,
  asked: { endAt?: Millis | null; durationMinutes?: number },
  now: Millis,
): { startAt: Millis; endAt: Millis | null } {
  if (asked.endAt !== undefined) return { startAt: now, endAt: asked.endAt };
  if (asked.durationMinutes !== undefined) return { startAt: now, endAt: now + asked.durationMinutes * MINUTE_MS };
  const s = settingsFor(index, target.scopeId, target.roleId).settings;
  return { startAt: now, endAt: now + (target.kind === 'eligible' ? s.eligibleMaxDays : s.activeMaxDays) * DAY_MS };
}
