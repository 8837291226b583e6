import 'server-only';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { approvalDecisions, requestApprovers, users, type ApprovalDecision, type RequestRow } from '@/db/schema';
import { DEFAULT_SETTINGS, requestStatus, type PrincipalRef, type RequestFact, type RequestStatus } from '@/lib/policy';
import { requestFact } from '@/lib/tenant/snapshot';
import { utcStamp } from '@/lib/notify/utc';

/** The request with its approvers, and the settings it captured that its decision depends on, as the engine sees it. */
export function loadRequestFact(db: DbOrTx, row: RequestRow): RequestFact {
  const approvers: PrincipalRef[] = db
    .select({ type: requestApprovers.principalType, id: requestApprovers.principalId })
    .from(requestApprovers)
    .where(eq(requestApprovers.requestId, row.id))
    .all();
  return withCapturedSettings(requestFact(row, approvers), row);
}

/**
 * "Require MFA to approve" and "approver must justify" as the request captured them at submission (MFA absent from
 * snapshots older than the setting: the engine then reads the current settings).
 */
export function withCapturedSettings(fact: RequestFact, row: RequestRow): RequestFact {
  const snap = snapshotSettings(row);
  const out: RequestFact = { ...fact, approverJustificationRequired: snap.approverJustificationRequired };
  if (snap.approvalRequireMfa !== undefined) out.approvalRequireMfa = snap.approvalRequireMfa;
  return out;
}

export function decisionOf(db: DbOrTx, requestId: string): (ApprovalDecision & { approverName: string }) | undefined {
  const row = db
    .select({ d: approvalDecisions, approverName: users.displayName })
    .from(approvalDecisions)
    .innerJoin(users, eq(users.id, approvalDecisions.approverId))
    .where(eq(approvalDecisions.requestId, requestId))
    .get();
  return row ? { ...row.d, approverName: row.approverName } : undefined;
}

const nameOf = (db: DbOrTx, id: string | null) =>
  (id && db.select({ n: users.displayName }).from(users).where(eq(users.id, id)).get()?.n) || 'someone';

/**
 * Why a request can no longer be decided, in the words the second approver (or the
 * double click, or the other tab) reads: "Already approved by Avery at 27 Nov 2026 10:04 UTC".
 */
export function settledMessage(db: DbOrTx, row: RequestRow, status: RequestStatus): string {
  const decision = decisionOf(db, row.id);
  if (decision) {
    return `Already ${decision.decision === 'Approve' ? 'approved' : 'denied'} by ${decision.approverName} at ${utcStamp(decision.decidedAt)}`;
  }
  switch (status) {
    case 'TimedOut':
      return `This request timed out at ${utcStamp(row.approvalDeadline ?? row.completedAt ?? row.createdAt)} without a decision`;
    case 'Canceled':
      return `This request was canceled by ${nameOf(db, row.canceledBy)} at ${utcStamp(row.canceledAt ?? row.completedAt ?? row.createdAt)}`;
    case 'Denied':
      return `This request was already denied${row.completedAt ? ` at ${utcStamp(row.completedAt)}` : ''}`;
    case 'Provisioned':
      return `This request was already completed${row.completedAt ? ` at ${utcStamp(row.completedAt)}` : ''} and needs no decision`;
    case 'Revoked':
      return 'This request was revoked and can no longer be decided';
    case 'Failed':
      return `This request failed${row.failureReason ? ` (${row.failureReason})` : ''} and can no longer be decided`;
    default:
      return 'This request is no longer pending';
  }
}

/**
 * Settings captured at submission ({ scopeId, roleId, explicit, settings } from the
 * requester's service); later edits change future requests only. `byPimAdmins` is true
 * when the settings named no approver, so the tenant PIM administrators decide.
 */
export function snapshotSettings(row: RequestRow): {
  approverJustificationRequired: boolean;
  byPimAdmins: boolean;
  approvalRequireMfa?: boolean;
} {
  try {
    const parsed = row.settingsSnapshot ? (JSON.parse(row.settingsSnapshot) as Record<string, unknown>) : null;
    const s = (parsed && typeof parsed.settings === 'object' ? parsed.settings : parsed) as Record<string, unknown> | null;
    if (s && typeof s.approverJustificationRequired === 'boolean') {
      return {
        approverJustificationRequired: s.approverJustificationRequired,
        byPimAdmins: Array.isArray(s.approvers) && s.approvers.length === 0,
        ...(typeof s.approvalRequireMfa === 'boolean' ? { approvalRequireMfa: s.approvalRequireMfa } : {}),
      };
    }
  } catch {
    // an unreadable snapshot falls back to the safe default below
  }
  return { approverJustificationRequired: DEFAULT_SETTINGS.approverJustificationRequired, byPimAdmins: false };
}

export const derivedStatus = (fact: RequestFact, now: number) => requestStatus(fact, now);
