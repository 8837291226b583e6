import 'server-only';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import { approvalDecisions, requests, type ApprovalDecision, type RequestRow, type User } from '@/db/schema';
import {
  canDecide,
  decisionJustificationViolation,
  describe,
  resolveApprovers,
  type Decision,
  type NameLookup,
  type PolicyIndex,
} from '@/lib/policy';
import { ElevateError, isElevateError } from '@/lib/errors';
import { sessionMfaVerifiedAt, verifyMfaStepUp } from '@/lib/auth/mfa';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { config } from '@/lib/config';
import { policyIndex } from '@/lib/tenant/engine';
import { provisionApprovedRequest } from '@/lib/activation/provision';
import { nameLookup } from '@/lib/resources/names';
import { utcStamp } from '@/lib/notify/utc';
import { derivedStatus, loadRequestFact, settledMessage } from './settled';

export type DecisionKind = 'Approve' | 'Deny';
export interface DecideInput {
  requestId: string;
  decision: DecisionKind;
  justification?: string;
  /**
   * The approver's 6-digit TOTP code, confirming this decision when its settings require MFA
   * to approve (rule 11). Verified (and burnt) only when the decision needs it.
   */
  mfaCode?: string;
}
export interface DecideOptions {
  channel?: 'portal' | 'api';
  /** absolute base for links in e-mails; defaults to config().publicUrl */
  publicUrl?: string;
  /** the portal session deciding: its MFA step-up counts as the approver's MFA moment, and a code verified here marks it */
  sessionId?: string | null;
  /** an MFA moment the caller already holds: the API step-up token's, or the one code of a batch */
  mfaVerifiedAt?: number | null;
}
export interface DecideResult {
  request: RequestRow;
  decision: ApprovalDecision;
}

const isUniqueViolation = (e: unknown) =>
  !!e &&
  typeof e === 'object' &&
  'code' in e &&
  String((e as { code: unknown }).code).startsWith('SQLITE_CONSTRAINT') &&
  /approval_decisions/.test(String((e as unknown as Error).message));

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
    result = db.transaction((tx) => decideInTx(tx, approver, input, now, opts, publicUrl), { behavior: 'immediate' });
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

const clean = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());
const latest = (a: number | null | undefined, b: number | null | undefined) => (a == null ? (b ?? null) : b == null ? a : Math.max(a, b));

/** The approver's MFA moment before any code of this call: the caller's (step-up token, batch) or this session's step-up, whichever is later. */
function mfaMoment(db: Db | Tx, approverId: string, opts: DecideOptions): number | null {
  return latest(opts.mfaVerifiedAt, sessionMfaVerifiedAt(db, approverId, opts.sessionId ?? null));
}

/** Rule 11's refusal: MfaRequired with the engine's violation described (ARM reads it as Azure's MfaRule plus how to step up). */
function mfaRefusal(verdict: Decision, names: NameLookup): ElevateError {
  const described = verdict.violations.map((v) => ({ ...v, message: describe(v, names) }));
  const message = described.map((v) => v.message).join('. ');
  return new ElevateError('MfaRequired', message, { fieldErrors: { mfaCode: [message] }, details: described });
}

function decideInTx(tx: Tx, approver: User, input: DecideInput, now: number, opts: DecideOptions, publicUrl: string): DecideResult {
  const channel = opts.channel ?? 'portal';
  const row = loadRow(tx, input.requestId);
  if (!row) throw new ElevateError('NotFound', 'No such request');
  const index = policyIndex(tx);
  const fact = loadRequestFact(tx, row);
  const status = derivedStatus(fact, now);
  if (status !== 'PendingApproval') throw new ElevateError('AlreadyDecided', settledMessage(tx, row, status));

  const names = nameLookup(index);
  let mfaAt = mfaMoment(tx, approver.id, opts);
  let verdict = canDecide(index, approver.id, fact, now, { decision: input.decision, mfaVerifiedAt: mfaAt });
  // who may decide first; the MFA step (rule 11) comes last, so a code is never spent on a decision refused for another reason
  if (!verdict.allowed && verdict.violations.length === 0) {
    throw new ElevateError('AuthorizationFailed', verdict.reasons.map((r) => describe(r, names)).join('. '), { details: verdict.reasons });
  }
  const justification = input.justification?.trim() || null;
  const unjustified = decisionJustificationViolation(fact, input.decision, justification);
  if (unjustified) {
    const msg = describe(unjustified, names);
    throw new ElevateError('InvalidRequest', msg, { fieldErrors: { justification: [msg] } });
  }
  const code = clean(input.mfaCode);
  if (!verdict.allowed && code) {
    // the code is this decision's MFA moment, burnt with it; if the decision rolls back, the code stays unused
    mfaAt = verifyMfaStepUp(tx, approver.id, code, now, opts.sessionId ?? null);
    verdict = canDecide(index, approver.id, fact, now, { decision: input.decision, mfaVerifiedAt: mfaAt });
  }
  if (!verdict.allowed) throw mfaRefusal(verdict, names);

  const decision: ApprovalDecision = {
    id: crypto.randomUUID(),
    requestId: row.id,
    approverId: approver.id,
    decision: input.decision,
    justification,
    decidedAt: now,
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
    at: now,
    actor,
    action: input.decision === 'Approve' ? 'Request approved' : 'Request denied',
    principal: { type: row.principalType, id: row.principalId, name: names.principal({ type: row.principalType, id: row.principalId }) },
    role: { id: row.roleId, name: names.role(row.roleId) },
    scopeId: row.scopeId,
    requestId: row.id,
    justification,
    details: {
      decision: input.decision,
      channel,
      requestType: row.requestType,
      reasons: verdict.reasons,
      ...(verdict.mfaRequired && input.decision === 'Approve' ? { approverMfaVerifiedAt: mfaAt } : {}),
    },
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

/** Would approving any of these requests go through but for an MFA moment that `mfaAt` does not give (rule 11)? */
function batchNeedsMfa(
  db: Db,
  approver: User,
  requestIds: string[],
  input: { decision: DecisionKind; justification?: string },
  mfaAt: number | null,
  now: number,
): boolean {
  if (input.decision !== 'Approve') return false;
  const index = policyIndex(db);
  return requestIds.some((id) => {
    const row = loadRow(db, id);
    const fact = row ? loadRequestFact(db, row) : null;
    if (!fact || decisionJustificationViolation(fact, input.decision, input.justification)) return false;
    return canDecide(index, approver.id, fact, now, { decision: input.decision, mfaVerifiedAt: mfaAt }).violations.length > 0;
  });
}

/**
 * Bulk decisions: each request settles in its own transaction, so one refusal never blocks
 * the rest. One MFA moment covers the batch (rule 11): a code given with it is verified once,
 * before the first decision, when any of them needs it; a wrong code refuses the whole batch
 * (InvalidMfaCode) and decides nothing.
 */
export function decideMany(
  db: Db,
  approver: User,
  input: { requestIds: string[]; decision: DecisionKind; justification?: string; mfaCode?: string },
  now: number,
  opts: DecideOptions = {},
): DecideManyResult[] {
  const ids = [...new Set(input.requestIds)];
  let mfaVerifiedAt = mfaMoment(db, approver.id, opts);
  const code = clean(input.mfaCode);
  if (code && batchNeedsMfa(db, approver, ids, input, mfaVerifiedAt, now)) {
    mfaVerifiedAt = db.transaction((tx) => verifyMfaStepUp(tx, approver.id, code, now, opts.sessionId ?? null), { behavior: 'immediate' });
  }
  return ids.map((requestId) => {
    try {
      const r = decide(db, approver, { requestId, decision: input.decision, justification: input.justification }, now, {
        ...opts,
        mfaVerifiedAt,
      });
      return { requestId, ok: true, message: input.decision === 'Approve' ? 'Approved' : 'Denied', status: r.request.status };
    } catch (e) {
      if (isElevateError(e)) return { requestId, ok: false, code: e.code, message: e.message };
      throw e;
    }
  });
}
