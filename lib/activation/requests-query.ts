import 'server-only';
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  approvalDecisions,
  assignmentSchedules,
  requestApprovers,
  requests,
  resources,
  roleDefinitions,
  users,
  type RequestRow,
} from '@/db/schema';
import { containsPattern, keysetPage, type Seek } from '@/lib/portal/keyset';
import {
  canDecide,
  canViewRequest,
  effectiveEnd,
  requestStatus,
  resolveApprovers,
  type PolicyIndex,
  type PrincipalRef,
  type RequestStatus,
} from '@/lib/policy';
import { assignmentFact } from '@/db/mappers';
import { policyIndex } from '@/lib/tenant/engine';
import { requestFact } from '@/lib/tenant/snapshot';
import { scopeCrumbs, type ScopeCrumb } from '@/lib/portal/scope-path';
import { ElevateError } from '@/lib/errors';
import { nameLookup } from '@/lib/resources/names';

export interface RequestView {
  id: string;
  requestType: RequestRow['requestType'];
  status: RequestStatus;
  requesterId: string;
  requesterName: string;
  roleId: string;
  roleName: string;
  scopeId: string;
  crumbs: ScopeCrumb[];
  armId: string;
  justification: string | null;
  ticketNumber: string | null;
  ticketSystem: string | null;
  startAt: number;
  endAt: number | null;
  durationMinutes: number | null;
  createdAt: number;
  completedAt: number | null;
  canceledAt: number | null;
  approvalRequired: boolean;
  approvalDeadline: number | null;
  mfaVerifiedAt: number | null;
  failureReason: string | null;
  approvers: string[];
  decision: { approverName: string; decision: 'Approve' | 'Deny'; justification: string | null; decidedAt: number } | null;
  batchId: string | null;
  targetScheduleId: string | null;
}

/** What My requests can show: the time-derived states people read, grouped as the page offers them. */
export const MY_REQUEST_STATUSES = ['all', 'pending', 'past', 'approved', 'denied', 'canceled', 'timed-out', 'failed'] as const;
export type MyRequestStatus = (typeof MY_REQUEST_STATUSES)[number];
export const MY_REQUEST_TYPES = ['SelfActivate', 'SelfDeactivate', 'SelfExtend', 'SelfRenew'] as const;
export type MyRequestType = (typeof MY_REQUEST_TYPES)[number];

export interface MyRequestsFilters {
  status?: MyRequestStatus;
  type?: MyRequestType;
  /** words in the role, the scope's name or id, the justification or the ticket */
  q?: string;
  /** keyset cursor (lib/portal/keyset): the page after / before a request */
  seek?: Seek;
  pageSize?: number;
}

export const MY_REQUESTS_PAGE_SIZE = 20;
/** A request's place in My requests, newest first: (created_at, id). */
export const MY_REQUESTS_KEY_SHAPE = ['n', 's'] as const;
/** The count above the list stops here (shown as "1000+"): a page never counts a person's whole history. */
export const MY_REQUESTS_COUNT_CAP = 1000;

function views(db: DbOrTx, index: PolicyIndex, rows: RequestRow[], now: number): RequestView[] {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const names = nameLookup(index);
  const approvers = new Map<string, PrincipalRef[]>();
  for (const a of db.select().from(requestApprovers).where(inArray(requestApprovers.requestId, ids)).all()) {
    const list = approvers.get(a.requestId) ?? [];
    list.push({ type: a.principalType, id: a.principalId });
    approvers.set(a.requestId, list);
  }
  const decisions = new Map(
    db
      .select()
      .from(approvalDecisions)
      .where(inArray(approvalDecisions.requestId, ids))
      .all()
      .map((d) => [d.requestId, d]),
  );
  const armIds = new Map(
    db
      .select({ id: resources.id, armId: resources.armId })
      .from(resources)
      .where(inArray(resources.id, [...new Set(rows.map((r) => r.scopeId))]))
      .all()
      .map((r) => [r.id, r.armId]),
  );
  const userName = (id: string) => index.users.get(id)?.displayName ?? id;
  return rows.map((r) => {
    const refs = approvers.get(r.id) ?? [];
    const d = decisions.get(r.id);
    // approvers were captured at submission; an empty list means the tenant PIM administrators
    const shown = refs.length
      ? refs.map((a) => names.principal(a))
      : r.approvalRequired
        ? resolveApprovers(index, [], r.requesterId).refs.map((a) => names.principal(a))
        : [];
    return {
      id: r.id,
      requestType: r.requestType,
      status: requestStatus(requestFact(r, refs), now),
      requesterId: r.requesterId,
      requesterName: userName(r.requesterId),
      roleId: r.roleId,
      roleName: names.role(r.roleId),
      scopeId: r.scopeId,
      crumbs: scopeCrumbs(index, r.scopeId),
      armId: armIds.get(r.scopeId) ?? r.scopeId,
      justification: r.justification,
      ticketNumber: r.ticketNumber,
      ticketSystem: r.ticketSystem,
      startAt: r.startAt,
      endAt: r.endAt,
      durationMinutes: r.durationMinutes,
      createdAt: r.createdAt,
      completedAt: r.completedAt,
      canceledAt: r.canceledAt,
      approvalRequired: r.approvalRequired,
      approvalDeadline: r.approvalDeadline,
      mfaVerifiedAt: r.mfaVerifiedAt,
      failureReason: r.failureReason,
      approvers: shown,
      decision: d
        ? { approverName: userName(d.approverId), decision: d.decision, justification: d.justification, decidedAt: d.decidedAt }
        : null,
      batchId: r.batchId,
      targetScheduleId: r.targetScheduleId,
    };
  });
}

/**
 * Still waiting for a decision at `now`: stored PendingApproval and inside its approval
 * window. The same rule as the engine's requestStatus (TimedOut from the deadline), in SQL.
 */
export function livePending(now: number): SQL {
  return sql`(${requests.status} = 'PendingApproval' AND (${requests.approvalDeadline} IS NULL OR ${requests.approvalDeadline} > ${now}))`;
}

function statusWhere(status: MyRequestStatus, now: number): SQL | undefined {
  const timedOut = sql`(${requests.status} = 'TimedOut' OR (${requests.status} = 'PendingApproval' AND ${requests.approvalDeadline} <= ${now}))`;
  switch (status) {
    case 'pending':
      return livePending(now);
    case 'past':
      return sql`NOT ${livePending(now)}`;
    case 'approved':
      return eq(requests.status, 'Provisioned');
    case 'denied':
      return eq(requests.status, 'Denied');
    case 'canceled':
      return eq(requests.status, 'Canceled');
    case 'timed-out':
      return timedOut;
    case 'failed':
      return inArray(requests.status, ['Failed', 'Revoked']);
    default:
      return undefined;
  }
}

/** Words in the role's name, the scope's name or ARM id, the justification or the ticket (LIKE, wildcards escaped). */
function searchWhere(q: string): SQL {
  const p = containsPattern(q);
  return sql`(${requests.justification} LIKE ${p} ESCAPE '\\' OR ${requests.ticketNumber} LIKE ${p} ESCAPE '\\'
    OR EXISTS (SELECT 1 FROM ${roleDefinitions} rd WHERE rd.id = ${requests.roleId} AND rd.name LIKE ${p} ESCAPE '\\')
    OR EXISTS (SELECT 1 FROM ${resources} sc WHERE sc.id = ${requests.scopeId} AND (sc.display_name LIKE ${p} ESCAPE '\\' OR sc.id LIKE ${p} ESCAPE '\\')))`;
}

/**
 * The requester's own requests (self-service only: admin requests Steve made for others
 * are his admin work), newest first, filtered and keyset-paged in SQL on the
 * (requester, created_at, id) index. Statuses shown are derived from time by the engine
 * (TimedOut needs no job); the status filter applies the same rule in SQL.
 */
export function myRequests(db: DbOrTx, userId: string, now: number, filters: MyRequestsFilters = {}) {
  const index = policyIndex(db);
  const size = Math.min(Math.max(filters.pageSize ?? MY_REQUESTS_PAGE_SIZE, 1), 100);
  const q = filters.q?.trim();
  const mine = and(eq(requests.requesterId, userId), inArray(requests.requestType, [...MY_REQUEST_TYPES]));
  const where = and(
    mine,
    filters.type ? eq(requests.requestType, filters.type) : undefined,
    statusWhere(filters.status ?? 'all', now),
    q ? searchWhere(q) : undefined,
  );
  const page = keysetPage(
    filters.seek ?? {},
    size,
    (dir, from, limit) => {
      const forward = dir === 'forward';
      const past = from
        ? forward
          ? sql`(${requests.createdAt}, ${requests.id}) < (${from[0]}, ${from[1]})`
          : sql`(${requests.createdAt}, ${requests.id}) > (${from[0]}, ${from[1]})`
        : undefined;
      return db
        .select()
        .from(requests)
        .where(and(where, past))
        .orderBy(...(forward ? [desc(requests.createdAt), desc(requests.id)] : [asc(requests.createdAt), asc(requests.id)]))
        .limit(limit)
        .all();
    },
    (r) => [r.createdAt, r.id],
  );
  const counted =
    db.get<{ n: number }>(sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${requests} WHERE ${where} LIMIT ${MY_REQUESTS_COUNT_CAP + 1})`)
      ?.n ?? 0;
  const pendingCount =
    db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM ${requests} WHERE ${and(mine, livePending(now))} LIMIT ${MY_REQUESTS_COUNT_CAP + 1})`,
    )?.n ?? 0;
  return {
    items: views(db, index, page.rows, now),
    next: page.next,
    prev: page.prev,
    /** matches of the filters, up to the cap; `more` says there are more */
    total: Math.min(counted, MY_REQUESTS_COUNT_CAP),
    more: counted > MY_REQUESTS_COUNT_CAP,
    pendingCount: Math.min(pendingCount, MY_REQUESTS_COUNT_CAP),
  };
}

export interface TimelineStep {
  key: 'submitted' | 'mfa' | 'approved' | 'denied' | 'canceled' | 'timed-out' | 'failed' | 'active' | 'ended' | 'waiting';
  label: string;
  at: number | null;
  /** done = happened; current = waiting on it; upcoming = will happen */
  state: 'done' | 'current' | 'upcoming';
  detail?: string;
}

/**
 * One request for its detail page, for those the engine's canViewRequest lets see it (its
 * requester and principal, its approvers, the administrators of its scope).
 */
export function requestDetail(
  db: DbOrTx,
  viewerId: string,
  requestId: string,
  now: number,
): { request: RequestView; timeline: TimelineStep[]; canCancel: boolean; canDecide: boolean } {
  const index = policyIndex(db);
  const row = db.select().from(requests).where(eq(requests.id, requestId)).get();
  if (!row) throw new ElevateError('NotFound', 'No such request.');
  const [view] = views(db, index, [row], now);
  const approverRefs = db
    .select()
    .from(requestApprovers)
    .where(eq(requestApprovers.requestId, requestId))
    .all()
    .map((a) => ({ type: a.principalType, id: a.principalId }) as PrincipalRef);
  const fact = requestFact(row, approverRefs);
  const decided = db
    .select({ by: approvalDecisions.approverId })
    .from(approvalDecisions)
    .where(eq(approvalDecisions.requestId, requestId))
    .get();
  // the engine decides who may look (canViewRequest); a stranger gets Not found, not "forbidden"
  if (!canViewRequest(index, viewerId, fact, now, { decidedBy: decided?.by ?? null }))
    throw new ElevateError('NotFound', 'No such request.');
  const decide = canDecide(index, viewerId, fact, now).allowed;
  const schedule = row.targetScheduleId
    ? db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, row.targetScheduleId)).get()
    : undefined;
  return {
    request: view,
    timeline: timelineOf(view, schedule ? assignmentFact(schedule) : null, now),
    canCancel: row.requesterId === viewerId && view.status === 'PendingApproval',
    canDecide: decide,
  };
}

function timelineOf(v: RequestView, schedule: ReturnType<typeof assignmentFact> | null, now: number): TimelineStep[] {
  const steps: TimelineStep[] = [
    { key: 'submitted', label: 'Submitted', at: v.createdAt, state: 'done', detail: v.justification ?? undefined },
  ];
  if (v.mfaVerifiedAt !== null) steps.push({ key: 'mfa', label: 'MFA verified', at: v.mfaVerifiedAt, state: 'done' });
  if (v.approvalRequired) {
    if (v.decision)
      steps.push({
        key: v.decision.decision === 'Approve' ? 'approved' : 'denied',
        label: v.decision.decision === 'Approve' ? `Approved by ${v.decision.approverName}` : `Denied by ${v.decision.approverName}`,
        at: v.decision.decidedAt,
        state: 'done',
        detail: v.decision.justification ?? undefined,
      });
    else if (v.status === 'PendingApproval')
      steps.push({
        key: 'waiting',
        label: `Waiting for ${v.approvers.join(', ') || 'an approver'}`,
        at: v.approvalDeadline,
        state: 'current',
        detail: 'The request times out at the deadline shown.',
      });
    else if (v.status === 'TimedOut')
      steps.push({
        key: 'timed-out',
        label: 'Timed out',
        at: v.approvalDeadline,
        state: 'done',
        detail: 'Nobody decided before the deadline.',
      });
  }
  if (v.status === 'Canceled') steps.push({ key: 'canceled', label: 'Canceled', at: v.canceledAt, state: 'done' });
  if (v.status === 'Failed')
    steps.push({
      key: 'failed',
      label: 'Could not be carried out',
      at: v.completedAt,
      state: 'done',
      detail: v.failureReason ?? undefined,
    });
  if (v.requestType === 'SelfDeactivate') {
    steps.push({ key: 'ended', label: 'Deactivated', at: v.createdAt, state: 'done' });
    return steps;
  }
  if (v.requestType !== 'SelfActivate') {
    if (v.status === 'Provisioned')
      steps.push({ key: 'active', label: `New end ${v.endAt === null ? 'permanent' : ''}`.trim(), at: v.endAt, state: 'done' });
    return steps;
  }
  const live = v.status === 'PendingApproval';
  if (schedule) {
    steps.push({
      key: 'active',
      label: schedule.startAt > now ? 'Becomes active' : 'Active',
      at: schedule.startAt,
      state: schedule.startAt > now ? 'upcoming' : 'done',
    });
    const end = effectiveEnd(schedule);
    const revoked = schedule.revokedAt !== null && schedule.revokedAt <= (schedule.endAt ?? Infinity);
    steps.push({
      key: 'ended',
      label: end !== null && end <= now ? (revoked ? 'Deactivated' : 'Ended') : 'Ends',
      at: end,
      state: end !== null && end <= now ? 'done' : 'upcoming',
    });
  } else if (live) {
    steps.push({ key: 'active', label: 'Active once approved', at: null, state: 'upcoming' });
  }
  return steps;
}

/** Display names of users (for approver lists in other views). */
export function userNames(db: DbOrTx, ids: string[]): Map<string, string> {
  if (!ids.length) return new Map();
  return new Map(
    db
      .select({ id: users.id, name: users.displayName })
      .from(users)
      .where(inArray(users.id, ids))
      .all()
      .map((u) => [u.id, u.name]),
  );
}
