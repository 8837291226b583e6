import type { Violation } from './reasons';
import { requestKey, type PolicyIndex } from './tenant-index';
import { effectiveEnd, requestStatus, windowsOverlap } from './time';
import type { AssignmentKind, Millis, PrincipalRef, RequestFact, ScheduleFact } from './types';

/**
 * Rule 5, decided here only: one principal cannot hold two overlapping schedules of the same
 * kind, or two pending requests, for the same (role, scope). Asked when an activation is
 * submitted and again when it is approved (an admin may have assigned the role meanwhile),
 * for admin requests, and for self extend / renew.
 */
export interface DuplicateQuery {
  principal: PrincipalRef;
  kind: AssignmentKind;
  roleId: string;
  scopeId: string;
  startAt: Millis;
  endAt: Millis | null;
  now: Millis;
  /** the schedule the request changes (extend, update, renew): it does not clash with itself */
  exceptScheduleId?: string | null;
  /**
   * Which pending requests count as the duplicate: 'activation' = a pending SelfActivate of the
   * same (principal, role, scope); a schedule id = a pending request to change that schedule;
   * absent = none (admin requests: they are provisioned at once, nothing of theirs waits).
   */
  pending?: 'activation' | { targetScheduleId: string };
  /** the request being approved: it is pending itself and is not its own duplicate */
  exceptRequestId?: string | null;
}

/** The principal's live schedules of this kind, role and scope whose windows overlap the one asked for. */
export function overlappingSchedules(index: PolicyIndex, q: DuplicateQuery): ScheduleFact[] {
  const p = q.principal;
  const list = (p.type === 'User' ? index.schedulesByUser : index.schedulesByGroup).get(p.id);
  const out: ScheduleFact[] = [];
  if (list === undefined) return out;
  for (let i = 0; i < list.length; i++) {
    const s = list[i];
    if (s.id === q.exceptScheduleId || s.kind !== q.kind || s.roleId !== q.roleId || s.scopeId !== q.scopeId) continue;
    if (s.revokedAt !== null && s.revokedAt <= q.now) continue;
    if (windowsOverlap(s.startAt, effectiveEnd(s), q.startAt, q.endAt)) out.push(s);
  }
  return out;
}

/** The principal's requests that still wait for a decision and would be duplicated (see DuplicateQuery.pending). */
export function pendingDuplicates(index: PolicyIndex, q: DuplicateQuery): RequestFact[] {
  const want = q.pending;
  if (want === undefined) return [];
  // a user's pending SelfActivate requests sit on their grants entry (ADR 011): no key to build on the hot path
  const list =
    want === 'activation' && q.principal.type === 'User'
      ? (index.grants.users.get(q.principal.id)?.pending ?? []).filter((r) => r.roleId === q.roleId && r.scopeId === q.scopeId)
      : (index.requestsByTarget.get(requestKey(q.principal, q.roleId, q.scopeId)) ?? []);
  return list.filter(
    (r) =>
      r.id !== q.exceptRequestId &&
      requestStatus(r, q.now) === 'PendingApproval' &&
      (want === 'activation' ? r.requestType === 'SelfActivate' : r.targetScheduleId === want.targetScheduleId),
  );
}

/**
 * Rule 5 as violations, overlaps first. An activation (kind 'active' asked by a person for
 * themselves) reads as "already active in that window"; an assignment as "already has an
 * overlapping assignment".
 */
export function duplicateViolations(index: PolicyIndex, q: DuplicateQuery, as: 'activation' | 'assignment'): Violation[] {
  const { roleId, scopeId } = q;
  const out: Violation[] = overlappingSchedules(index, q).map((s): Violation =>
    as === 'activation'
      ? { code: 'overlapping-activation', scopeId, roleId, scheduleId: s.id }
      : { code: 'overlapping-assignment', scopeId, roleId, scheduleId: s.id, principal: q.principal },
  );
  for (const r of pendingDuplicates(index, q)) out.push({ code: 'pending-request-exists', scopeId, roleId, requestId: r.id });
  return out;
}
