import type { ScopeCrumb } from '@/lib/portal/scope-path';
import type { ApprovalItem } from '@/lib/approvals/types';

/**
 * What a list row of pending requests shows, and nothing else: the page serializes one
 * per row into its payload, so the requester's e-mail, ids the row never reads and the
 * crumbs' resource ids (a path's crumbs are keyed by position) stay on the server. A full
 * ApprovalItem (as GET /api/approvals answers) is one too.
 */
export interface RowScope {
  path: string;
  armId: string;
  crumbs: Omit<ScopeCrumb, 'id'>[];
}

/** A row of the approver's queue (the table, its filters and the decide dialog). */
export interface QueueRow {
  id: string;
  requester: { name: string };
  role: { id: string; name: string };
  scope: RowScope;
  startAt: number;
  endAt: number | null;
  justification: string | null;
  ticketNumber: string | null;
  ticketSystem: string | null;
  mfaVerifiedAt: number | null;
  createdAt: number;
  approvalDeadline: number | null;
  justificationRequired: boolean;
  /** approving asks for a fresh MFA code */
  mfaToApprove: boolean;
}

/** A row of an administrator's pending requests (with the approvers, without the ticket). */
export interface AdminPendingRow {
  id: string;
  requester: { name: string };
  role: { name: string };
  scope: RowScope;
  startAt: number;
  endAt: number | null;
  justification: string | null;
  mfaVerifiedAt: number | null;
  createdAt: number;
  approvalDeadline: number | null;
  approverNames: string[];
}

const scopeOf = (i: ApprovalItem): RowScope => ({
  path: i.scope.path,
  armId: i.scope.armId,
  crumbs: i.scope.crumbs.map((c) => ({ kind: c.kind, name: c.name })),
});

export const queueRow = (i: ApprovalItem): QueueRow => ({
  id: i.id,
  requester: { name: i.requester.name },
  role: { id: i.role.id, name: i.role.name },
  scope: scopeOf(i),
  startAt: i.startAt,
  endAt: i.endAt,
  justification: i.justification,
  ticketNumber: i.ticketNumber,
  ticketSystem: i.ticketSystem,
  mfaVerifiedAt: i.mfaVerifiedAt,
  createdAt: i.createdAt,
  approvalDeadline: i.approvalDeadline,
  justificationRequired: i.justificationRequired,
  mfaToApprove: i.mfaToApprove,
});

export const adminPendingRow = (i: ApprovalItem): AdminPendingRow => ({
  id: i.id,
  requester: { name: i.requester.name },
  role: { name: i.role.name },
  scope: scopeOf(i),
  startAt: i.startAt,
  endAt: i.endAt,
  justification: i.justification,
  mfaVerifiedAt: i.mfaVerifiedAt,
  createdAt: i.createdAt,
  approvalDeadline: i.approvalDeadline,
  approverNames: i.approverNames,
});

/** ScopePath keys its crumbs by id: a path's crumbs are keyed by their place in it. */
export const keyedCrumbs = (crumbs: Omit<ScopeCrumb, 'id'>[]): ScopeCrumb[] =>
  crumbs.map((c, k) => ({ id: String(k), kind: c.kind, name: c.name }));
