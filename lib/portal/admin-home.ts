import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { withinAdministered, type Administered } from '@/lib/resources/administered';

/**
 * The admin home's counts, from SQL over what the user administers (a few subtree
 * ranges, or everything for a PIM administrator): never a test of every resource.
 */

/** Pending requests at scopes the user administers: how many, and since when the oldest waits. */
export function pendingInAdministered(db: DbOrTx, adm: Administered, now: number): { count: number; oldest: number | null } {
  const scope = withinAdministered(sql`r.scope_id`, adm);
  // the status index holds the pending requests by deadline; one past its deadline has timed out (rule 3)
  const row = db.get<{ n: number; oldest: number | null }>(sql`
    SELECT count(*) AS n, min(r.created_at) AS oldest FROM requests r
     WHERE r.status = 'PendingApproval' AND (r.approval_deadline IS NULL OR r.approval_deadline > ${now})
       ${scope ? sql`AND ${scope}` : sql``}`);
  return { count: row?.n ?? 0, oldest: row?.oldest ?? null };
}

export interface ActivityDay {
  day: string;
  activations: number;
  approvals: number;
}

// action names written by lib/activation and lib/approvals
const ACTIVATED = 'Role activated';
const APPROVED = 'Request approved';

/** Activations and approvals per UTC day over the last `days` days, at scopes the user administers. */
export function activityInAdministered(db: DbOrTx, adm: Administered, now: number, days = 14): ActivityDay[] {
  const DAY = 86_400_000;
  const start = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  const scope = withinAdministered(sql`a.scope_id`, adm);
  const rows = db.all<{ d: number; action: string; n: number }>(sql`
    SELECT CAST((a.at - ${start}) / ${DAY} AS INTEGER) AS d, a.action AS action, count(*) AS n FROM audit_events a
     WHERE a.action IN (${ACTIVATED}, ${APPROVED}) AND a.at >= ${start} AND a.at < ${start + days * DAY} ${scope ? sql`AND ${scope}` : sql``}
     GROUP BY d, a.action`);
  const out = Array.from({ length: days }, (_, i) => ({
    day: new Date(start + i * DAY).toISOString().slice(0, 10),
    activations: 0,
    approvals: 0,
  }));
  for (const r of rows) {
    if (r.d < 0 || r.d >= days) continue;
    if (r.action === ACTIVATED) out[r.d].activations += r.n;
    else out[r.d].approvals += r.n;
  }
  return out;
}
