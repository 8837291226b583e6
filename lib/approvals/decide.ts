import 'server-only';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { approvalDecisions, requests, type ApprovalDecision, type RequestRow, type User } from '@/db/schema';
import { canDecide, describe, resolveApprovers, type PolicyIndex } from '@/lib/policy';
import { ElevateError, isElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { config } from '@/lib/config';
import { policyIndex } from '@/lib/tenant/engine';
import { provisionApprovedRequest } from '@/lib/activation/provision';
import { nameLookup, utcStamp } from './names';
import { derivedStatus, loadRequestFact, settledMessage, snapshotSettings } from './settled';

export type DecisionKind = 'Approve' | 'Deny';
export interface DecideInput {
  requestId: string;
  decision: DecisionKind;
  justification?: string;
}
export interface DecideOptions {
  channel?: 'portal' | 'api';
  /** absolute base for links in e-mails; defaults to config().publicUrl */
  publicUrl?: string;
}
export interface DecideResult {
  request: RequestRow;
  decision: ApprovalDecision;
}

const isUniqueViolation = (e: unknown) =>
  !!e && typeof e === 'object' && 'code' in e && String((e as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT') && /approval_decisions/.test(String((e as unknown as Error).message));

const loadRow = (db: Db | Tx, id: string) => db.select().from(requests).where(eq(requests.id, id)).get();

/**
 * The first eligible decision settles a single-stage request (rule 6). Everything runs
 * in one immediate transaction, so a second approver, a double click or another tab
 * finds the request settled and gets "Already approved by Avery at …"; the unique
 * index on approval_decisions.request_id backs this up across connections.
 */
export function decide(db: Db, approver: User, input: DecideInput, now: number, opts: DecideOptions = {}): DecideResult {
  const publicUrl = opts.publicUrl ?? config().publicUrl;
  let result: DecideResult;
  try {
    result = db.transaction((tx) => decideInTx(tx, approver, input, now, opts.channel ?? 'portal', publicUrl), { behavior: 'immediate' });
  } catch (e) {
    if (isUniqueViolation(e)) {
      const row = loadRow(db, input.requestId);
      throw new ElevateError('AlreadyDecided', row ? settledMessage(db, row, 'Provisioned') : 'This request was already decided');
    }
    throw e;
  }
  scheduleDelivery(db);
  return result;
}

function decideInTx(tx: Tx, approver: User, input: DecideInput, now: number, channel: 'portal' | 'api', publicUrl: string): DecideResult {
  const row = loadRow(tx, input.requestId);
  if (!row) throw new ElevateError('NotFound', 'No such request');
  const index = policyIndex(tx);
  const fact = loadRequestFact(tx, row);
  const status = derivedStatus(fact, now);
  if (status !== 'PendingApproval') throw new ElevateError('AlreadyDecided', settledMessage(tx, row, status));

  const names = nameLookup(index);
  const verdict = canDecide(index, approver.id, fact, now);
  if (!verdict.allowed) {
    throw new ElevateError('AuthorizationFailed', verdict.reasons.map((r) => describe(r, names)).join('. '), { details: verdict.reasons });
  }
  const justification = input.justification?.trim() || null;
  if (!justification && snapshotSettings(row).approverJustificationRequired) {
    const msg = `A justification is required to ${input.decision === 'Approve' ? 'approve' : 'deny'} ${names.role(row.roleId)} on ${names.scope(row.scopeId)}`;
    throw new ElevateError('InvalidRequest', msg, { fieldErrors: { justification: [msg] } });
  }

  const decision: ApprovalDecision = {
    id: crypto.randomUUID(), requestId: row.id, approverId: approver.id, decision: input.decision, justification, decidedAt: now,
  };
  tx.insert(approvalDecisions).values(decision).run();
  const actor = { id: approver.id, name: approver.displayName };
  if (input.decision === 'Approve') {
    provisionApprovedRequest(tx, row, now, actor);
  } else {
    tx.update(requests).set({ status: 'Denied', completedAt: now }).where(eq(requests.id, row.id)).run();
  }
  const settled = loadRow(tx, row.id)!;
  writeAudit(tx, {
    at: now, actor, action: input.decision === 'Approve' ? 'Request approved' : 'Request denied',
    principal: { type: row.principalType, id: row.principalId, name: names.principal({ type: row.principalType, id: row.principalId }) },
    role: { id: row.roleId, name: names.role(row.roleId) }, scopeId: row.scopeId, requestId: row.id, justification,
    details: { decision: input.decision, channel, requestType: row.requestType, reasons: verdict.reasons },
  });
  tellPeople(tx, index, settled, decision, approver, now, publicUrl);
  return { request: settled, decision };
}

/**
 * The requester hears a denial and its justification (an approval is announced by
 * provisionApprovedRequest, with the window actually granted); the other approvers hear
 * that it is settled (in-app only, no e-mail noise).
 */
function tellPeople(tx: Tx, index: PolicyIndex, row: RequestRow, d: ApprovalDecision, approver: User, now: number, publicUrl: string) {
  const names = nameLookup(index);
  const what = `${names.role(row.roleId)} on ${names.scope(row.scopeId)}`;
  const approved = d.decision === 'Approve';
  if (!approved) {
    notify(
      tx,
      {
        userIds: [row.requesterId],
        kind: 'request-denied',
        title: `Denied: ${what}`,
        body: `${approver.displayName} denied your request for ${what} at ${utcStamp(d.decidedAt)}.${d.justification ? `\nReason: ${d.justification}` : ''}`,
        link: `/requests/${row.id}`,
        requestId: row.id,
      },
      now,
      publicUrl,
    );
  }
  const others = resolveApprovers(index, loadRequestFact(tx, row).approvers, row.requesterId).userIds.filter((id) => id !== approver.id);
  notify(
    tx,
    {
      userIds: others,
      kind: 'approval-settled',
      title: `${approved ? 'Approved' : 'Denied'} by ${approver.displayName}: ${what}`,
      body: `${names.principal({ type: 'User', id: row.requesterId })}'s request needs no decision from you any more.`,
      link: `/approvals/${row.id}`,
      requestId: row.id,
      email: false,
    },
    now,
    publicUrl,
  );
}

export interface DecideManyResult {
  requestId: string;
  ok: boolean;
  /** ElevateError code when not ok; AlreadyDecided = someone (or something) settled it first */
  code?: string;
  message: string;
  status?: RequestRow['status'];
}

/** Bulk decisions: each request settles in its own transaction, so one refusal never blocks the rest. */
export function decideMany(
  db: Db, approver: User, input: { requestIds: string[]; decision: DecisionKind; justification?: string }, now: number, opts: DecideOptions = {},
): DecideManyResult[] {
  return [...new Set(input.requestIds)].map((requestId) => {
    try {
      const r = decide(db, approver, { requestId, decision: input.decision, justification: input.justification }, now, opts);
      return { requestId, ok: true, message: input.decision === 'Approve' ? 'Approved' : 'Denied', status: r.request.status };
    } catch (e) {
      if (isElevateError(e)) return { requestId, ok: false, code: e.code, message: e.message };
      throw e;
    }
  });
}
