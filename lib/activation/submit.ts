import 'server-only';
import crypto from 'node:crypto';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { assignmentSchedules, requestApprovers, requests, type User } from '@/db/schema';
import { evaluateActivation, type ActivationResult, type PolicyIndex, type Violation } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { sessionMfaVerifiedAt, verifyMfaStepUp } from '@/lib/auth/mfa';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { config } from '@/lib/config';
import { ElevateError, isElevateError, type FieldErrors } from '@/lib/errors';
import { nameLookup } from '@/lib/resources/names';
import { scopeName } from './names';
import { announceActivation } from './announce';
import { describeViolations, refusal, type DescribedViolation, type ScopedViolation } from './violations';
import { utcStamp } from '@/lib/notify/utc';

type Actor = Pick<User, 'id' | 'displayName'>;

/** What the requester chose for one eligible role: the eligibility and the scopes to activate it at. */
export interface ActivationItem {
  eligibilityId: string;
  scopeIds: string[];
  /** overrides the shared duration for this role (roles can have different maximums) */
  durationMinutes?: number;
}

/** What is asked once per submission: one justification, one MFA step. */
export interface ActivationShared {
  startAt?: number;
  durationMinutes: number;
  justification?: string;
  ticketNumber?: string;
  ticketSystem?: string;
  mfaCode?: string;
  sessionId?: string | null;
  mfaVerifiedAt?: number | null;
}

export type ActivationInput = ActivationShared & { eligibilityId: string; scopeIds: string[] };

export interface SubmittedRequest {
  requestId: string;
  eligibilityId: string;
  roleId: string;
  scopeId: string;
  status: 'Provisioned' | 'PendingApproval';
  startAt: number;
  endAt: number;
  /** the activation created at once */
  scheduleId: string | null;
  approverUserIds: string[];
  approvalDeadline: number | null;
}

export interface ActivationSubmission {
  batchId: string | null;
  requests: SubmittedRequest[];
  /** when MFA was proven for this submission (null when no scope required it) */
  mfaVerifiedAt: number | null;
}

export interface ScopeEvaluation {
  eligibilityId: string;
  roleId: string | null;
  scopeId: string;
  result: ActivationResult;
}

export interface SubmitOpts {
  channel?: 'portal' | 'api';
  batch?: boolean;
  /** the id an API client chose (ARM requests are PUT by name); used when exactly one request is written */
  requestId?: string;
}

const clean = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());

/** The (eligibility, scope) pairs of a submission, scopes lower-cased and de-duplicated. */
function pairs(items: ActivationItem[]): { item: ActivationItem; scopeId: string }[] {
  const seen = new Set<string>();
  const out: { item: ActivationItem; scopeId: string }[] = [];
  for (const item of items) {
    for (const raw of item.scopeIds) {
      const scopeId = raw.trim().toLowerCase();
      const key = `${item.eligibilityId}\u0000${scopeId}`;
      if (!scopeId || seen.has(key)) continue;
      seen.add(key);
      out.push({ item, scopeId });
    }
  }
  return out;
}

function evaluateAll(
  index: PolicyIndex,
  actorId: string,
  items: ActivationItem[],
  shared: ActivationShared,
  mfaVerifiedAt: number | null,
  now: number,
): ScopeEvaluation[] {
  return pairs(items).map(({ item, scopeId }) => ({
    eligibilityId: item.eligibilityId,
    roleId: index.schedules.get(item.eligibilityId)?.roleId ?? null,
    scopeId,
    result: evaluateActivation(index, {
      userId: actorId,
      eligibilityId: item.eligibilityId,
      scopeId,
      startAt: shared.startAt ?? now,
      durationMinutes: item.durationMinutes ?? shared.durationMinutes,
      justification: clean(shared.justification) ?? null,
      ticketNumber: clean(shared.ticketNumber) ?? null,
      ticketSystem: clean(shared.ticketSystem) ?? null,
      mfaVerifiedAt,
      now,
    }),
  }));
}

function scoped(index: PolicyIndex, evals: ScopeEvaluation[], skip: (v: Violation) => boolean): ScopedViolation[] {
  const several = evals.length > 1;
  const names = nameLookup(index);
  const out: ScopedViolation[] = [];
  for (const e of evals) {
    if (e.result.ok) continue;
    const label = several ? `${e.roleId ? names.role(e.roleId) : 'Role'} on ${scopeName(index, e.scopeId)}` : null;
    // the engine leaves roleId off some eligibility codes; the sentence reads better with it
    for (const v of e.result.violations) if (!skip(v)) out.push({ label, violation: { ...v, roleId: v.roleId ?? e.roleId ?? undefined } });
  }
  return out;
}

/** The engine's verdict for every (eligibility, scope) without writing anything: the API's /validate and the form's preview. */
export function validateActivations(db: DbOrTx, actor: Pick<User, 'id'>, items: ActivationItem[], shared: ActivationShared, now: number) {
  const index = policyIndex(db);
  const mfaAt = shared.mfaVerifiedAt ?? sessionMfaVerifiedAt(db, actor.id, shared.sessionId ?? null);
  const evaluations = evaluateAll(index, actor.id, items, shared, mfaAt, now);
  const violations = describeViolations(
    scoped(index, evaluations, () => false),
    nameLookup(index),
  );
  return { ok: evaluations.length > 0 && violations.length === 0, evaluations, violations };
}

export function validateActivation(db: DbOrTx, actor: Pick<User, 'id'>, input: ActivationInput, now: number) {
  const { eligibilityId, scopeIds, ...shared } = input;
  return validateActivations(db, actor, [{ eligibilityId, scopeIds }], shared, now);
}

export function submitActivation(db: Db, actor: Actor, input: ActivationInput, now: number, opts: SubmitOpts = {}): ActivationSubmission {
  const { eligibilityId, scopeIds, ...shared } = input;
  return submitActivations(db, actor, [{ eligibilityId, scopeIds }], shared, now, opts);
}

/**
 * Activates one or several eligible roles, each at one or several scopes, in one
 * transaction. Each (role, scope) becomes its own request under the settings of that
 * scope (rule 2), so one submission may come back partly active and partly pending.
 * All or nothing: if any scope is refused, every violation is reported and nothing is
 * written (not even the MFA code is spent).
 */
export function submitActivations(
  db: Db,
  actor: Actor,
  items: ActivationItem[],
  shared: ActivationShared,
  now: number,
  opts: SubmitOpts = {},
): ActivationSubmission {
  if (!pairs(items).length)
    throw new ElevateError('InvalidRequest', 'Choose at least one scope to activate.', {
      fieldErrors: { scopeIds: ['Choose at least one scope.'] },
    });
  const submission = db.transaction(
    (tx): ActivationSubmission => {
      const index = policyIndex(tx);
      const names = nameLookup(index);
      let mfaAt = shared.mfaVerifiedAt ?? sessionMfaVerifiedAt(tx, actor.id, shared.sessionId ?? null);
      let evals = evaluateAll(index, actor.id, items, shared, mfaAt, now);
      const needsMfa = evals.some((e) => !e.result.ok && e.result.violations.some((v) => v.code === 'mfa-required'));
      const codeErrors: FieldErrors = {};
      if (needsMfa && clean(shared.mfaCode)) {
        try {
          mfaAt = verifyMfaStepUp(tx, actor.id, shared.mfaCode!, now, shared.sessionId ?? null);
          evals = evaluateAll(index, actor.id, items, shared, mfaAt, now);
        } catch (e) {
          if (!isElevateError(e)) throw e;
          codeErrors.mfaCode = e.fieldErrors?.mfaCode ?? [e.message];
        }
      }
      // a wrong code already explains the MFA problem: do not repeat "verify with MFA" per scope
      const skip = (v: Violation) => v.code === 'mfa-required' && (codeErrors.mfaCode !== undefined || evals.length > 1);
      const list: DescribedViolation[] = describeViolations(scoped(index, evals, skip), names);
      if (
        evals.length > 1 &&
        !codeErrors.mfaCode &&
        evals.some((e) => !e.result.ok && e.result.violations.some((v) => v.code === 'mfa-required'))
      ) {
        list.push({
          code: 'mfa-required',
          field: 'mfaCode',
          message: 'Enter the 6-digit code from your authenticator app to verify with MFA.',
        });
      }
      if (list.length || codeErrors.mfaCode) throw refusal(list, codeErrors);

      const batchId = opts.batch || evals.length > 1 ? crypto.randomUUID() : null;
      const chosenId = evals.length === 1 ? opts.requestId : undefined;
      const out = evals.map((e) => writeRequest(tx, index, actor, e, shared, batchId, mfaAt, now, opts.channel ?? 'portal', chosenId));
      return { batchId, requests: out, mfaVerifiedAt: mfaAt };
    },
    { behavior: 'immediate' },
  );
  // approvers are asked, and activations announced (activationNotices), by e-mail once committed
  if (submission.requests.length) scheduleDelivery(db);
  return submission;
}

function writeRequest(
  tx: Tx,
  index: PolicyIndex,
  actor: Actor,
  e: ScopeEvaluation,
  shared: ActivationShared,
  batchId: string | null,
  mfaAt: number | null,
  now: number,
  channel: 'portal' | 'api',
  chosenId?: string,
): SubmittedRequest {
  if (!e.result.ok) throw new Error('unreachable: refused evaluations are never written');
  const { outcome, settings, explicit } = e.result;
  const roleId = e.roleId!;
  const names = nameLookup(index);
  const requestId = chosenId ?? crypto.randomUUID();
  const active = outcome.kind === 'active';
  const scheduleId = active ? crypto.randomUUID() : null;
  const deadline = outcome.kind === 'approval' ? outcome.approvalDeadline : null;
  const duration = Math.round((outcome.endAt - outcome.startAt) / 60_000);
  tx.insert(requests)
    .values({
      id: requestId,
      kind: 'assignment',
      requestType: 'SelfActivate',
      status: active ? 'Provisioned' : 'PendingApproval',
      requesterId: actor.id,
      principalType: 'User',
      principalId: actor.id,
      roleId,
      scopeId: e.scopeId,
      justification: clean(shared.justification) ?? null,
      ticketNumber: clean(shared.ticketNumber) ?? null,
      ticketSystem: clean(shared.ticketSystem) ?? null,
      startAt: outcome.startAt,
      endAt: outcome.endAt,
      durationMinutes: duration,
      mfaVerifiedAt: settings.activationRequireMfa ? mfaAt : null,
      approvalRequired: !active,
      approvalDeadline: deadline,
      settingsSnapshot: JSON.stringify({ scopeId: e.scopeId, roleId, explicit, settings }),
      linkedEligibilityId: e.eligibilityId,
      targetScheduleId: scheduleId,
      createdAt: now,
      completedAt: active ? now : null,
      batchId,
      channel,
    })
    .run();
  const role = names.role(roleId);
  const base = {
    principal: { type: 'User', id: actor.id, name: actor.displayName },
    role: { id: roleId, name: role },
    scopeId: e.scopeId,
    requestId,
    justification: clean(shared.justification) ?? null,
  };
  if (outcome.kind === 'active') {
    tx.insert(assignmentSchedules)
      .values({
        id: scheduleId!,
        principalType: 'User',
        principalId: actor.id,
        roleId,
        scopeId: e.scopeId,
        startAt: outcome.startAt,
        endAt: outcome.endAt,
        createdAt: now,
        createdBy: actor.id,
        requestId,
        updatedAt: now,
        origin: 'activated',
        linkedEligibilityId: e.eligibilityId,
      })
      .run();
    writeAudit(tx, {
      at: now,
      actor: { id: actor.id, name: actor.displayName },
      action: 'Role activated',
      ...base,
      details: {
        startAt: outcome.startAt,
        endAt: outcome.endAt,
        scheduleId,
        batchId,
        channel,
        ticketNumber: clean(shared.ticketNumber) ?? null,
      },
    });
    announceActivation(
      tx,
      index,
      settings,
      {
        requester: { id: actor.id, name: actor.displayName },
        roleId,
        scopeId: e.scopeId,
        startAt: outcome.startAt,
        endAt: outcome.endAt,
        requestId,
      },
      now,
    );
    return {
      requestId,
      eligibilityId: e.eligibilityId,
      roleId,
      scopeId: e.scopeId,
      status: 'Provisioned',
      startAt: outcome.startAt,
      endAt: outcome.endAt,
      scheduleId,
      approverUserIds: [],
      approvalDeadline: null,
    };
  }
  for (const a of outcome.approvers)
    tx.insert(requestApprovers).values({ requestId, principalType: a.type, principalId: a.id }).onConflictDoNothing().run();
  writeAudit(tx, {
    at: now,
    actor: { id: actor.id, name: actor.displayName },
    action: 'Activation requested',
    ...base,
    details: {
      startAt: outcome.startAt,
      endAt: outcome.endAt,
      approvalDeadline: deadline,
      approvers: outcome.approverUserIds,
      batchId,
      channel,
    },
  });
  notify(
    tx,
    {
      userIds: outcome.approverUserIds,
      kind: 'approval-requested',
      requestId,
      link: `/approvals/${requestId}`,
      title: `${actor.displayName} asks for ${role} on ${scopeName(index, e.scopeId)}`,
      body:
        `${actor.displayName} asks to activate ${role} on ${names.scope(e.scopeId)} for ${duration} minutes.\n` +
        `Justification: ${clean(shared.justification) ?? '(none)'}\nDecide before ${utcStamp(deadline!)}.`,
      email: settings.notifications.approverOnActivation,
    },
    now,
    config().publicUrl,
  );
  return {
    requestId,
    eligibilityId: e.eligibilityId,
    roleId,
    scopeId: e.scopeId,
    status: 'PendingApproval',
    startAt: outcome.startAt,
    endAt: outcome.endAt,
    scheduleId: null,
    approverUserIds: outcome.approverUserIds,
    approvalDeadline: deadline,
  };
}
