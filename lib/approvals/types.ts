import type { ScopeCrumb } from '@/lib/portal/scope-path';

/**
 * What the approvals queue, the detail page and the JSON API show about a request.
 * Plain data (no Dates, no Maps) so it crosses the server/client boundary as JSON.
 */
export interface ApprovalItem {
  id: string;
  requestType: string;
  /** status derived from time by the engine (PendingApproval turns TimedOut at the deadline) */
  status: string;
  requester: { id: string; name: string; email: string };
  principal: { type: 'User' | 'Group'; id: string; name: string };
  role: { id: string; name: string };
  scope: { id: string; armId: string; path: string; crumbs: ScopeCrumb[] };
  startAt: number;
  endAt: number | null;
  durationMinutes: number | null;
  justification: string | null;
  ticketNumber: string | null;
  ticketSystem: string | null;
  mfaVerifiedAt: number | null;
  createdAt: number;
  approvalDeadline: number | null;
  /** the settings captured at submission ask the approver to justify the decision */
  justificationRequired: boolean;
  /** approving asks the approver for a fresh MFA code (its settings require MFA to approve; rule 11) */
  mfaToApprove: boolean;
  /** named approvers (or the PIM administrators) as people read them */
  approverNames: string[];
  channel: 'portal' | 'api';
}

export type ApprovalSort = 'oldest' | 'newest' | 'deadline' | 'requester' | 'role';

export interface ApprovalFilters {
  /** free text over requester, role, scope path, justification and ticket */
  q?: string;
  roleId?: string;
  /** only requests at this scope or below */
  scopeId?: string;
  mfa?: 'verified' | 'not-verified';
  sort?: ApprovalSort;
}

export interface HistoryItem extends ApprovalItem {
  decision: 'Approve' | 'Deny';
  decisionJustification: string | null;
  decidedAt: number;
}
