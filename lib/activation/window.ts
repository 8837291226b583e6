import { effectiveEnd, MINUTE_MS, type Millis, type ScheduleFact } from '@/lib/policy';

/**
 * Rule 6 and rule 4 for an approved activation: it starts when approved (or at the
 * requested start, if later), lasts the requested duration, and never outlives the
 * eligibility it comes from. Pure, so the approvals path and tests agree on one answer.
 */
export function approvedActivationWindow(
  requestedStart: Millis, durationMinutes: number, approvedAt: Millis, eligibility: ScheduleFact,
): { startAt: Millis; endAt: Millis; capped: boolean } {
  const startAt = Math.max(approvedAt, requestedStart);
  const wanted = startAt + durationMinutes * MINUTE_MS;
  const eligEnd = effectiveEnd(eligibility);
  if (eligEnd !== null && wanted > eligEnd) return { startAt, endAt: eligEnd, capped: true };
  return { startAt, endAt: wanted, capped: false };
}

/** A renewal starts at approval and keeps the length that was asked for (null = permanent). */
export function approvedRenewWindow(requestedStart: Millis, requestedEnd: Millis | null, approvedAt: Millis) {
  const startAt = Math.max(approvedAt, requestedStart);
  return { startAt, endAt: requestedEnd === null ? null : startAt + (requestedEnd - requestedStart) };
}
