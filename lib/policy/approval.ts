import { managementAccess } from './access';
import { CLOCK_SKEW_MINUTES, DEFAULT_SETTINGS, MFA_FRESHNESS_MINUTES, MINUTE_MS } from './constants';
import type { Reason, Violation } from './reasons';
import { settingsFor } from './settings';
import type { PolicyIndex } from './tenant-index';
import { requestStatus } from './time';
import type { Millis, PrincipalRef, RequestFact, RoleSettings } from './types';

export interface ResolvedApprovers {
  /** what the UI shows: the named approvers (minus the requester), or the PIM admins */
  refs: PrincipalRef[];
  /** concrete enabled user ids who can decide, never the requester */
  userIds: string[];
  /** true when no approver is named and tenant PIM administrators decide */
  pimAdmins: boolean;
}

/**
 * Resolve approvers to people. Named approvers win; when none are named the tenant's
 * PIM administrators approve (DESIGN.md). The requester is removed everywhere, so an
 * empty `userIds` means the request could never be approved (→ 'no-approver').
 */
export function resolveApprovers(index: PolicyIndex, named: readonly PrincipalRef[], requesterId: string): ResolvedApprovers {
  const ids = new Set<string>();
  const ok = (id: string) => {
    const u = index.users.get(id);
    return u !== undefined && !u.disabled && id !== requesterId;
  };
  if (named.length === 0) {
    const admins = index.pimAdmins.filter((u) => u.id !== requesterId);
    return { refs: admins.map((u) => ({ type: 'User', id: u.id })), userIds: admins.map((u) => u.id), pimAdmins: true };
  }
  const refs: PrincipalRef[] = [];
  for (const a of named) {
    if (a.type === 'User') {
      if (a.id === requesterId) continue;
      refs.push(a);
      if (ok(a.id)) ids.add(a.id);
    } else {
      refs.push(a);
      for (const m of index.groups.get(a.id)?.memberIds ?? []) if (ok(m)) ids.add(m);
    }
  }
  return { refs, userIds: [...ids], pimAdmins: false };
}

/** Concrete user ids who may decide, excluding the requester (and a request's own principal). */
export function approversOf(index: PolicyIndex, source: RequestFact | RoleSettings, requesterId: string): string[] {
  if ('requestType' in source) {
    const ids = resolveApprovers(index, source.approvers, requesterId).userIds;
    const principalUser = source.principal.type === 'User' ? source.principal.id : null;
    return ids.filter((id) => id !== source.requesterId && id !== principalUser);
  }
  return resolveApprovers(index, source.approvers, requesterId).userIds;
}

export interface Decision {
  allowed: boolean;
  /** when allowed: why this user may decide; when not: every reason why not (or, when only MFA is missing, why they may decide once they prove it) */
  reasons: Reason[];
  /** what the decision lacks besides who may decide: `approval-mfa-required` (rule 11), only checked with a proof */
  violations: Violation[];
  /** approving this request needs a fresh MFA moment (its settings require MFA to approve) */
  mfaRequired: boolean;
}

/**
 * What an approver brings to a decision (rule 11). The MFA moment is the latest of: a code
 * confirmed with this decision (or once for a batch of them), this session's step-up, or
 * the API step-up token's verification.
 */
export interface DecisionProof {
  decision: 'Approve' | 'Deny';
  /** when the approver last proved MFA; null = never (or not in this session) */
  mfaVerifiedAt: Millis | null;
  /** how long an MFA moment counts: the step-up window, MFA_FRESHNESS_MINUTES unless said */
  stepUpMinutes?: number;
}

/**
 * Rule 11: does approving `req` need the approver's fresh MFA moment? The setting as captured
 * at submission (the request's settings snapshot) when known; else the current settings of
 * the request's (scope, role), whose built-in default is on for Owner and User Access
 * Administrator (defaultSettingsFor).
 */
export function decisionNeedsMfa(index: PolicyIndex, req: RequestFact): boolean {
  return req.approvalRequireMfa ?? settingsFor(index, req.scopeId, req.roleId).settings.approvalRequireMfa;
}

/** An MFA moment counts inside the window before now (a moment in the future, beyond clock skew, is not trusted). */
export function mfaWithin(verifiedAt: Millis | null | undefined, now: Millis, windowMinutes: number): boolean {
  return (
    verifiedAt !== null &&
    verifiedAt !== undefined &&
    verifiedAt <= now + CLOCK_SKEW_MINUTES * MINUTE_MS &&
    now - verifiedAt <= windowMinutes * MINUTE_MS
  );
}

/** Self extend/renew go to the scope's administrators rather than the role's approvers. */
const ADMIN_APPROVED: ReadonlySet<string> = new Set(['SelfExtend', 'SelfRenew']);

/**
 * May `userId` approve or deny `req` now? First decision settles it (rule 6): only pending
 * requests qualify. Without `proof` this answers "is this person an approver of it" (queues,
 * lists, the detail page), and `mfaRequired` says whether approving will ask for MFA. With a
 * proof it decides the decision itself: an approval whose settings require MFA to approve
 * needs an MFA moment inside the step-up window (rule 11), else `approval-mfa-required`.
 * A denial takes nothing away from anyone and never needs MFA.
 */
export function canDecide(index: PolicyIndex, userId: string, req: RequestFact, now: Millis, proof?: DecisionProof): Decision {
  const denied: Reason[] = [];
  const user = index.users.get(userId);
  if (!user) denied.push({ code: 'request-unknown-principal', principal: { type: 'User', id: userId } });
  else if (user.disabled) denied.push({ code: 'principal-disabled', principal: { type: 'User', id: userId } });
  if (requestStatus(req, now) !== 'PendingApproval') denied.push({ code: 'not-pending', requestId: req.id });
  if (userId === req.requesterId || (req.principal.type === 'User' && req.principal.id === userId)) {
    denied.push({ code: 'requester-cannot-approve', requestId: req.id });
  }
  const grants: Reason[] = [];
  if (user && !user.disabled) {
    if (req.approvers.length > 0) {
      for (const a of req.approvers) {
        if (a.type === 'User' && a.id === userId) grants.push({ code: 'named-approver', principal: a });
        if (a.type === 'Group' && index.groupsByUser.get(userId)?.has(a.id)) {
          grants.push({ code: 'named-approver-group', groupId: a.id, principal: { type: 'User', id: userId } });
        }
      }
    } else if (ADMIN_APPROVED.has(req.requestType)) {
      grants.push(...managementAccess(index, userId, req.scopeId, now).reasons);
    } else if (user.isPimAdmin) {
      grants.push({ code: 'pim-admin-approver', principal: { type: 'User', id: userId } });
    }
  }
  if (grants.length === 0 && user && !user.disabled) denied.push({ code: 'not-an-approver', requestId: req.id });
  const mfaRequired = decisionNeedsMfa(index, req);
  if (denied.length) return { allowed: false, reasons: denied, violations: [], mfaRequired };
  if (proof && proof.decision === 'Approve' && mfaRequired) {
    const window = proof.stepUpMinutes ?? MFA_FRESHNESS_MINUTES;
    if (!mfaWithin(proof.mfaVerifiedAt, now, window)) {
      const v: Violation = {
        code: 'approval-mfa-required',
        requestId: req.id,
        scopeId: req.scopeId,
        roleId: req.roleId,
        setting: 'approvalRequireMfa',
        value: proof.mfaVerifiedAt,
        limit: window,
      };
      return { allowed: false, reasons: grants, violations: [v], mfaRequired };
    }
  }
  return { allowed: true, reasons: grants, violations: [], mfaRequired };
}

/**
 * "Approver must justify a decision": as the request captured it at submission (a request
 * from before snapshots carried it gets the built-in default, yes). Approving and denying alike.
 */
export function decisionJustificationViolation(
  req: RequestFact,
  decision: 'Approve' | 'Deny',
  justification: string | null | undefined,
): Violation | null {
  const required = req.approverJustificationRequired ?? DEFAULT_SETTINGS.approverJustificationRequired;
  if (!required || (justification !== null && justification !== undefined && justification.trim() !== '')) return null;
  return { code: 'approver-justification-required', requestId: req.id, scopeId: req.scopeId, roleId: req.roleId, value: decision };
}
