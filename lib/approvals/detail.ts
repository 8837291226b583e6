import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { requests } from '@/db/schema';
import {
  canDecide,
  canViewRequest,
  describe,
  effectiveAccess,
  isTenantPimAdmin,
  managementAccess,
  resolveApprovers,
  settingsFor,
  type Reason,
} from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { scopePathText } from '@/lib/portal/scope-path';
import { toItems } from './items';
import { nameLookup } from '@/lib/resources/names';
import { decisionOf, loadRequestFact, settledMessage, snapshotSettings } from './settled';
import type { ApprovalItem } from './types';

export interface HeldAccess {
  kind: 'active' | 'eligible';
  role: string;
  /** where the assignment was made (the request's scope or an ancestor) */
  from: string;
  how: string;
  endAt: number | null;
}

export interface RequestDetail {
  item: ApprovalItem;
  /** why approval is needed: the engine's reasons, in words (which scope-role settings) */
  approvalReasons: string[];
  /** may this viewer decide now, and the engine's reasons either way */
  canDecide: boolean;
  decideReasons: string[];
  /** set once the request is no longer pending: "Already approved by Avery at …" */
  settled: string | null;
  decision: { decision: 'Approve' | 'Deny'; approverName: string; justification: string | null; decidedAt: number } | null;
  /** what the requester already holds at the request's scope (inherited included) */
  held: HeldAccess[];
  /** the viewer manages the scope (may cancel the request as administrator) */
  manages: boolean;
}

/**
 * One request as its approvers (and the administrators of its scope, and its requester) see it. Returns
 * null when the viewer has no business with the request, so the page shows Not found
 * rather than confirming the request exists.
 */
export function requestDetail(db: Db, viewerId: string, requestId: string, now: number): RequestDetail | null {
  const row = db.select().from(requests).where(eq(requests.id, requestId)).get();
  if (!row) return null;
  const index = policyIndex(db);
  const names = nameLookup(index);
  const fact = loadRequestFact(db, row);
  const decision = decisionOf(db, row.id);
  // the engine decides who may look (canViewRequest): the requester too, to read why they cannot decide it
  if (!canViewRequest(index, viewerId, fact, now, { decidedBy: decision?.approverId ?? null })) return null;
  const verdict = canDecide(index, viewerId, fact, now);
  const manages = managementAccess(index, viewerId, row.scopeId, now).allowed;

  const [item] = toItems(db, index, [row], now);
  const governing = settingsFor(index, row.scopeId, row.roleId);
  const approvalReasons: Reason[] = [
    { code: governing.explicit ? 'settings-explicit' : 'settings-default', scopeId: row.scopeId, roleId: row.roleId },
  ];
  if (row.approvalRequired)
    approvalReasons.push({ code: 'approval-required', scopeId: row.scopeId, roleId: row.roleId, setting: 'approvalRequired' });
  if (
    fact.approvers.length === 0 ||
    resolveApprovers(index, fact.approvers, row.requesterId).pimAdmins ||
    snapshotSettings(row).byPimAdmins
  ) {
    // no approver named in the settings: the tenant PIM administrators decide (DESIGN.md)
    approvalReasons.push(
      isTenantPimAdmin(index, viewerId)
        ? { code: 'pim-admin-approver', principal: { type: 'User', id: viewerId } }
        : { code: 'goes-to-admin-approval', requestId: row.id },
    );
  }

  const access = effectiveAccess(index, { type: row.principalType, id: row.principalId }, row.scopeId, now);
  const held: HeldAccess[] = (['active', 'eligible'] as const).flatMap((kind) =>
    access[kind].map((e) => ({
      kind,
      role: names.role(e.roleId),
      from: scopePathText(index, e.source.fromScopeId),
      how:
        e.source.memberType === 'Group'
          ? `via group ${names.principal({ type: 'Group', id: e.source.groupId ?? '' })}`
          : e.source.memberType === 'Direct'
            ? 'assigned here'
            : 'inherited',
      endAt: e.schedule.endAt,
    })),
  );

  return {
    item,
    approvalReasons: [
      ...approvalReasons.map((r) => describe(r, names)),
      // rule 11: said before the click, not after a refusal
      ...(item.mfaToApprove
        ? [`Approving needs the approver's MFA: ${names.role(row.roleId)} on ${names.scope(row.scopeId)} requires MFA to approve`]
        : []),
    ],
    canDecide: verdict.allowed,
    decideReasons: verdict.reasons.map((r) => describe(r, names)),
    settled: item.status === 'PendingApproval' ? null : settledMessage(db, row, item.status as never),
    decision: decision
      ? {
          decision: decision.decision,
          approverName: decision.approverName,
          justification: decision.justification,
          decidedAt: decision.decidedAt,
        }
      : null,
    held,
    manages,
  };
}
