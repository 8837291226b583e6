import type { Millis, RequestFact, RequestStatus, ScheduleFact } from './types';

/**
 * Every status is derived from timestamps and `now` (rule 3): nothing depends on a
 * background job having flipped a column.
 */

export type ScheduleStatus = 'Scheduled' | 'Active' | 'Expired' | 'Revoked';

/** Revoked wins once revokedAt ≤ now; at exactly endAt the schedule is Expired (half-open window). */
export function scheduleStatus(s: ScheduleFact, now: Millis): ScheduleStatus {
  if (s.revokedAt !== null && s.revokedAt <= now) return 'Revoked';
  if (now < s.startAt) return 'Scheduled';
  if (s.endAt !== null && now >= s.endAt) return 'Expired';
  return 'Active';
}

/** Does the schedule grant at instant `at`? (startAt ≤ at < endAt, not yet revoked) */
export function inWindow(s: ScheduleFact, at: Millis): boolean {
  return s.startAt <= at && (s.endAt === null || at < s.endAt) && (s.revokedAt === null || at < s.revokedAt);
}

/** When the schedule stops granting: the earlier of its end and its revocation (null = never). */
export function effectiveEnd(s: ScheduleFact): Millis | null {
  if (s.revokedAt === null) return s.endAt;
  return s.endAt === null ? s.revokedAt : Math.min(s.endAt, s.revokedAt);
}

/** Half-open windows [aStart, aEnd) and [bStart, bEnd) share an instant; null end = forever. */
export function windowsOverlap(aStart: Millis, aEnd: Millis | null, bStart: Millis, bEnd: Millis | null): boolean {
  return (bEnd === null || aStart < bEnd) && (aEnd === null || bStart < aEnd);
}

/** PendingApproval turns into TimedOut at approvalDeadline (exclusive); other statuses are as stored. */
export function requestStatus(req: RequestFact, now: Millis): RequestStatus {
  if (req.status === 'PendingApproval' && req.approvalDeadline !== null && now >= req.approvalDeadline) {
    return 'TimedOut';
  }
  return req.status;
}
