import 'server-only';
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { requestApprovers, resources, users, type RequestRow } from '@/db/schema';
import {
  decisionJustificationViolation,
  decisionNeedsMfa,
  requestStatus,
  resolveApprovers,
  type PolicyIndex,
  type PrincipalRef,
} from '@/lib/policy';
import { requestFact } from '@/lib/tenant/snapshot';
import { scopeCrumbs, scopePathText } from '@/lib/portal/scope-path';
import { nameLookup } from '@/lib/resources/names';
import { snapshotSettings, withCapturedSettings } from './settled';
import type { ApprovalItem } from './types';

/** Turns request rows into what people read, with a handful of batched lookups (no per-row queries). */
export function toItems(db: DbOrTx, index: PolicyIndex, rows: RequestRow[], now: number): ApprovalItem[] {
  if (!rows.length) return [];
  const names = nameLookup(index);
  const ids = rows.map((r) => r.id);
  const approvers = new Map<string, PrincipalRef[]>();
  for (const a of db.select().from(requestApprovers).where(inArray(requestApprovers.requestId, ids)).all()) {
    const list = approvers.get(a.requestId) ?? [];
    list.push({ type: a.principalType, id: a.principalId });
    approvers.set(a.requestId, list);
  }
  const people = new Map(
    db
      .select({ id: users.id, name: users.displayName, email: users.email })
      .from(users)
      .where(inArray(users.id, [...new Set(rows.map((r) => r.requesterId))]))
      .all()
      .map((u) => [u.id, u]),
  );
  const armIds = new Map(
    db
      .select({ id: resources.id, armId: resources.armId })
      .from(resources)
      .where(inArray(resources.id, [...new Set(rows.map((r) => r.scopeId))]))
      .all()
      .map((r) => [r.id, r.armId]),
  );
  return rows.map((r) => {
    const fact = withCapturedSettings(requestFact(r, approvers.get(r.id) ?? []), r);
    const resolved = resolveApprovers(index, fact.approvers, r.requesterId);
    const requester = people.get(r.requesterId);
    const snap = snapshotSettings(r);
    const byAdmins = resolved.pimAdmins || snap.byPimAdmins;
    return {
      id: r.id,
      requestType: r.requestType,
      status: requestStatus(fact, now),
      requester: { id: r.requesterId, name: requester?.name ?? 'Unknown user', email: requester?.email ?? '' },
      principal: { type: r.principalType, id: r.principalId, name: names.principal({ type: r.principalType, id: r.principalId }) },
      role: { id: r.roleId, name: names.role(r.roleId) },
      scope: {
        id: r.scopeId,
        armId: armIds.get(r.scopeId) ?? r.scopeId,
        path: scopePathText(index, r.scopeId),
        crumbs: scopeCrumbs(index, r.scopeId),
      },
      startAt: r.startAt,
      endAt: r.endAt,
      durationMinutes: r.durationMinutes,
      justification: r.justification,
      ticketNumber: r.ticketNumber,
      ticketSystem: r.ticketSystem,
      mfaVerifiedAt: r.mfaVerifiedAt,
      createdAt: r.createdAt,
      approvalDeadline: r.approvalDeadline,
      // the engine's answer for a decision without words: asked before the form is shown
      justificationRequired: decisionJustificationViolation(fact, 'Approve', null) !== null,
      mfaToApprove: decisionNeedsMfa(index, fact),
      approverNames: byAdmins
        ? [`Tenant PIM administrators (${resolved.refs.map(names.principal).join(', ') || 'none'})`]
        : resolved.refs.map(names.principal),
      channel: r.channel,
    };
  });
}
