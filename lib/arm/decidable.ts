import 'server-only';
import { sql, type SQL } from 'drizzle-orm';
import type { Drive } from './list-sql';
import { sqlValues, type Viewer } from './viewer';

/**
 * Pending requests the caller may decide (canDecide, in SQL), as two drives for
 * findPage: requests that name the caller (or one of their groups) as approver, walked
 * from those names; and, where nobody is named, the tenant PIM administrators (the
 * scope's administrators for self extend/renew) decide, walked from the pending requests
 * in list order. Never the caller's own requests. The engine still has the last word on
 * each row a page serves.
 */

/** Still waiting for a decision: PendingApproval until its approval window has passed (then TimedOut, rule 3). */
export function pendingNow(now: number): SQL {
  // `+` keeps SQLite from driving by the status index: where this is a filter, it stays one
  return sql`+t.status = 'PendingApproval' AND (t.approval_deadline IS NULL OR t.approval_deadline > ${now})`;
}

/** Requests that name the caller, or one of the caller's groups, as approver. */
export function namesMe(v: Viewer): SQL {
  const groups = v.groups.length ? sql` OR (a.principal_type = 'Group' AND a.principal_id IN (${sqlValues(v.groups)}))` : sql``;
  return sql`t.id IN (SELECT a.request_id FROM request_approvers a WHERE (a.principal_type = 'User' AND a.principal_id = ${v.me})${groups})`;
}

/**
 * `manages`: the caller's management access as a predicate over the request's scope `r`
 * (null: none), for unnamed self extend/renew requests.
 */
export function decidableDrives(v: Viewer, now: number, manages: SQL | null): Drive[] {
  const notMine = sql`t.requester_id <> ${v.me} AND NOT (t.principal_type = 'User' AND t.principal_id = ${v.me})`;
  const drives: Drive[] = [{ where: sql`${namesMe(v)} AND ${pendingNow(now)} AND ${notMine}` }];
  const unnamed = sql`t.status = 'PendingApproval' AND (t.approval_deadline IS NULL OR t.approval_deadline > ${now}) AND ${notMine}
    AND NOT EXISTS (SELECT 1 FROM request_approvers a WHERE a.request_id = t.id)`;
  if (v.everywhere) drives.push({ where: unnamed, index: 'arm_requests_pending' });
  else if (manages)
    drives.push({ where: sql`${unnamed} AND t.request_type IN ('SelfExtend', 'SelfRenew') AND ${manages}`, index: 'arm_requests_pending' });
  return drives;
}
