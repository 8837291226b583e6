import 'server-only';
import { desc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { approvalDecisions, assignmentSchedules, requestApprovers, requests, resources, users, type RequestRow } from '@/db/schema';
import {
  canDecide, effectiveEnd, managementAccess, requestStatus, resolveApprovers, type PolicyIndex, type PrincipalRef, type RequestStatus,
} from '@/lib/policy';
import { assignmentFact } from '@/db/mappers';
import { policyIndex } from '@/lib/tenant/engine';
import { requestFact } from '@/lib/tenant/snapshot';
import { scopeCrumbs, type ScopeCrumb } from '@/lib/portal/scope-path';
import { ElevateError } from '@/lib/errors';
import { namesFor } from './names';

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

export interface MyRequestsFilters {
  status?: 'pending' | 'past' | 'all';
  q?: string;
  page?: number;
  pageSize?: number;
}

function views(db: DbOrTx, index: PolicyIndex, rows: RequestRow[], now: number): RequestView[] {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const names = namesFor(index);
  const approvers = new Map<string, PrincipalRef[]>();
  for (const a of db.select().from(requestApprovers).where(inArray(requestApprovers.requestId, ids)).all()) {
    const list = approvers.get(a.requestId) ?? [];
    list.push({ type: a.principalType, id: a.principalId });
    approvers.set(a.requestId, list);
  }
  const decisions = new Map(db.select().from(approvalDecisions).where(inArray(approvalDecisions.requestId, ids)).all().map((d) => [d.requestId, d]));
  const armIds = new Map(db.select({ id: resources.id, armId: resources.armId }).from(resources).where(inArray(resources.id, [...new Set(rows.map((r) => r.scopeId))])).all().map((r) => [r.id, r.armId]));
  const userName = (id: string) => index.users.get(id)?.displayName ?? id;
  return rows.map((r) => {
    const refs = approvers.get(r.id) ?? [];
    const d = decisions.get(r.id);
    // approvers were captured at submission; an empty list means the tenant PIM administrators
    const shown = refs.length ? refs.map((a) => names.principal(a)) : r.approvalRequired ? resolveApprovers(index, [], r.requesterId).refs.map((a) => names.principal(a)) : [];
    return {
      id: r.id, requestType: r.requestType, status: requestStatus(requestFact(r, refs), now),
      requesterId: r.requesterId, requesterName: userName(r.requesterId), roleId: r.roleId, roleName: names.role(r.roleId),
      scopeId: r.scopeId, crumbs: scopeCrumbs(index, r.scopeId), armId: armIds.get(r.scopeId) ?? r.scopeId,
      justification: r.justification, ticketNumber: r.ticketNumber, ticketSystem: r.ticketSystem,
      startAt: r.startAt, endAt: r.endAt, durationMinutes: r.durationMinutes, createdAt: r.createdAt, completedAt: r.completedAt, canceledAt: r.canceledAt,
      approvalRequired: r.approvalRequired, approvalDeadline: r.approvalDeadline, mfaVerifiedAt: r.mfaVerifiedAt, failureReason: r.failureReason,
      approvers: shown,
      decision: d ? { approverName: userName(d.approverId), decision: d.decision, justification: d.justification, decidedAt: d.decidedAt } : null,
      batchId: r.batchId, targetScheduleId: r.targetScheduleId,
    };
  });
}

/** The requester's own requests, newest first, statuses derived from time (TimedOut needs no job). */
export function myRequests(db: DbOrTx, userId: string, now: number, filters: MyRequestsFilters = {}) {
  const index = policyIndex(db);
  const rows = db.select().from(requests).where(eq(requests.requesterId, userId)).orderBy(desc(requests.createdAt)).all()
    // admin requests Steve made for others are his admin work, not "my requests" as a requester
    .filter((r) => r.requestType.startsWith('Self'));
  let list = views(db, index, rows, now);
  const status = filters.status ?? 'all';
  if (status === 'pending') list = list.filter((v) => v.status === 'PendingApproval');
  if (status === 'past') list = list.filter((v) => v.status !== 'PendingApproval');
  const q = filters.q?.trim().toLowerCase();
  if (q) list = list.filter((v) => [v.roleName, v.crumbs.map((c) => c.name).join(' '), v.justification ?? '', v.status, v.ticketNumber ?? ''].join(' ').toLowerCase().includes(q));
  const pageSize = filters.pageSize ?? 20;
  const pages = Math.max(1, Math.ceil(list.length / pageSize));
  const page = Math.min(Math.max(1, filters.page ?? 1), pages);
  return { total: list.length, page, pages, pendingCount: list.filter((v) => v.status === 'PendingApproval').length, items: list.slice((page - 1) * pageSize, page * pageSize) };
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
 * One request for its detail page. Visible to its requester, to whoever may decide it,
 * and to those with PIM management access at its scope (the engine decides each).
 */
export function requestDetail(db: DbOrTx, viewerId: string, requestId: string, now: number): { request: RequestView; timeline: TimelineStep[]; canCancel: boolean; canDecide: boolean } {
  const index = policyIndex(db);
  const row = db.select().from(requests).where(eq(requests.id, requestId)).get();
  if (!row) throw new ElevateError('NotFound', 'No such request.');
  const [view] = views(db, index, [row], now);
  const approverRefs = db.select().from(requestApprovers).where(eq(requestApprovers.requestId, requestId)).all().map((a) => ({ type: a.principalType, id: a.principalId }) as PrincipalRef);
  const fact = requestFact(row, approverRefs);
  const decide = canDecide(index, viewerId, fact, now).allowed;
  const named = approverRefs.some((a) => (a.type === 'User' ? a.id === viewerId : index.groupsByUser.get(viewerId)?.has(a.id)));
  const mayView = row.requesterId === viewerId || row.principalId === viewerId || decide || named || managementAccess(index, viewerId, row.scopeId, now).allowed;
  if (!mayView) throw new ElevateError('NotFound', 'No such request.');
  const schedule = row.targetScheduleId ? db.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, row.targetScheduleId)).get() : undefined;
  return { request: view, timeline: timelineOf(view, schedule ? assignmentFact(schedule) : null, now), canCancel: row.requesterId === viewerId && view.status === 'PendingApproval', canDecide: decide };
}

function timelineOf(v: RequestView, schedule: ReturnType<typeof assignmentFact> | null, now: number): TimelineStep[] {
  const steps: TimelineStep[] = [{ key: 'submitted', label: 'Submitted', at: v.createdAt, state: 'done', detail: v.justification ?? undefined }];
  if (v.mfaVerifiedAt !== null) steps.push({ key: 'mfa', label: 'MFA verified', at: v.mfaVerifiedAt, state: 'done' });
  if (v.approvalRequired) {
    if (v.decision) steps.push({ key: v.decision.decision === 'Approve' ? 'approved' : 'denied', label: v.decision.decision === 'Approve' ? `Approved by ${v.decision.approverName}` : `Denied by ${v.decision.approverName}`, at: v.decision.decidedAt, state: 'done', detail: v.decision.justification ?? undefined });
    else if (v.status === 'PendingApproval') steps.push({ key: 'waiting', label: `Waiting for ${v.approvers.join(', ') || 'an approver'}`, at: v.approvalDeadline, state: 'current', detail: 'The request times out at the deadline shown.' });
    else if (v.status === 'TimedOut') steps.push({ key: 'timed-out', label: 'Timed out', at: v.approvalDeadline, state: 'done', detail: 'Nobody decided before the deadline.' });
  }
  if (v.status === 'Canceled') steps.push({ key: 'canceled', label: 'Canceled', at: v.canceledAt, state: 'done' });
  if (v.status === 'Failed') steps.push({ key: 'failed', label: 'Could not be carried out', at: v.completedAt, state: 'done', detail: v.failureReason ?? undefined });
  if (v.requestType === 'SelfDeactivate') {
    steps.push({ key: 'ended', label: 'Deactivated', at: v.createdAt, state: 'done' });
    return steps;
  }
  if (v.requestType !== 'SelfActivate') {
    if (v.status === 'Provisioned') steps.push({ key: 'active', label: `New end ${v.endAt === null ? 'permanent' : ''}`.trim(), at: v.endAt, state: 'done' });
    return steps;
  }
  const live = v.status === 'PendingApproval';
  if (schedule) {
    steps.push({ key: 'active', label: schedule.startAt > now ? 'Becomes active' : 'Active', at: schedule.startAt, state: schedule.startAt > now ? 'upcoming' : 'done' });
    const end = effectiveEnd(schedule);
    const revoked = schedule.revokedAt !== null && schedule.revokedAt <= (schedule.endAt ?? Infinity);
    steps.push({ key: 'ended', label: end !== null && end <= now ? (revoked ? 'Deactivated' : 'Ended') : 'Ends', at: end, state: end !== null && end <= now ? 'done' : 'upcoming' });
  } else if (live) {
    steps.push({ key: 'active', label: 'Active once approved', at: null, state: 'upcoming' });
  }
  return steps;
}

/** Display names of users (for approver lists in other views). */
export function userNames(db: DbOrTx, ids: string[]): Map<string, string> {
  if (!ids.length) return new Map();
  return new Map(db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids)).all().map((u) => [u.id, u.name]));
}
