import 'server-only';
import { inArray } from 'drizzle-orm';
import { getDb } from '@/db';
import type { DbOrTx } from '@/db/client';
import { assignmentSchedules } from '@/db/schema';
import { assignmentFact } from '@/db/mappers';
import { effectiveEnd, scheduleStatus, type ScheduleStatus } from '@/lib/policy';
import { myRequests, requestDetail, type MyRequestsFilters } from '@/lib/activation/requests-query';
import { isElevateError } from '@/lib/errors';

/** The access an activation request turned into, as it stands at `now`. */
export interface ActivationNow {
  startAt: number;
  /** the earlier of its end and its deactivation; null = no end */
  endAt: number | null;
  status: ScheduleStatus;
}

/**
 * What a request page or list must say is true now: an approved activation runs from its
 * approval, not from the window asked for, and it may have ended or been deactivated since.
 * One indexed read of the activation schedules the requests point at; the status comes from
 * the engine's time rules (rule 3), never from a stored column.
 */
export function activationsNow(
  db: DbOrTx,
  requests: { requestType: string; targetScheduleId: string | null }[],
  now: number,
): Map<string, ActivationNow> {
  const ids = [...new Set(requests.flatMap((r) => (r.requestType === 'SelfActivate' && r.targetScheduleId ? [r.targetScheduleId] : [])))];
  if (!ids.length) return new Map();
  const rows = db.select().from(assignmentSchedules).where(inArray(assignmentSchedules.id, ids)).all();
  return new Map(
    rows.map((row) => {
      const fact = assignmentFact(row);
      return [row.id, { startAt: fact.startAt, endAt: effectiveEnd(fact), status: scheduleStatus(fact, now) }];
    }),
  );
}

/** The same for one request (its detail page). */
export function activationNow(
  db: DbOrTx,
  request: { requestType: string; targetScheduleId: string | null },
  now: number,
): ActivationNow | null {
  return request.targetScheduleId ? (activationsNow(db, [request], now).get(request.targetScheduleId) ?? null) : null;
}

/** The request page: the request as its viewer may see it (null: no such request for them), and its access now. */
export function requestPageData(viewerId: string, requestId: string, now: number) {
  const db = getDb();
  try {
    const detail = requestDetail(db, viewerId, requestId, now);
    return { ...detail, activation: activationNow(db, detail.request, now) };
  } catch (e) {
    if (isElevateError(e) && e.code === 'NotFound') return null;
    throw e;
  }
}

/** My requests: a page of the requester's requests, and for each activation its access now. */
export function myRequestsPageData(userId: string, now: number, filters: MyRequestsFilters) {
  const db = getDb();
  const data = myRequests(db, userId, now, filters);
  return { ...data, activations: activationsNow(db, data.items, now) };
}
