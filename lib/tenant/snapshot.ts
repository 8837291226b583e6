import { inArray, eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import * as s from '@/db/schema';
import { assignmentFact, eligibilityFact, settingsFromRow } from '@/db/mappers';
import type { PrincipalRef, RequestFact, TenantSnapshot } from '@/lib/policy/types';

/** Reads everything the policy engine reasons over. Pure reads; callers decide the transaction. */
export function loadSnapshot(db: DbOrTx): TenantSnapshot {
  const resources = db
    .select({ id: s.resources.id, parentId: s.resources.parentId, kind: s.resources.kind, name: s.resources.displayName, managed: s.resources.managed })
    .from(s.resources)
    .all();
  const roles = db.select({ id: s.roleDefinitions.id, name: s.roleDefinitions.name, privileged: s.roleDefinitions.privileged }).from(s.roleDefinitions).all();
  const users = db.select({ id: s.users.id, displayName: s.users.displayName, isPimAdmin: s.users.isPimAdmin, disabled: s.users.disabled }).from(s.users).all();

  const members = new Map<string, string[]>();
  for (const m of db.select().from(s.groupMembers).all()) {
    const list = members.get(m.groupId) ?? [];
    list.push(m.userId);
    members.set(m.groupId, list);
  }
  const groups = db.select({ id: s.groups.id, name: s.groups.name }).from(s.groups).all().map((g) => ({ ...g, memberIds: members.get(g.id) ?? [] }));

  const schedules = [
    ...db.select().from(s.eligibilitySchedules).all().map(eligibilityFact),
    ...db.select().from(s.assignmentSchedules).all().map(assignmentFact),
  ];

  const approversBySettings = new Map<string, PrincipalRef[]>();
  for (const a of db.select().from(s.roleSettingApprovers).all()) {
    const list = approversBySettings.get(a.settingsId) ?? [];
    list.push({ type: a.principalType, id: a.principalId });
    approversBySettings.set(a.settingsId, list);
  }
  const settings = db
    .select()
    .from(s.roleSettings)
    .all()
    .map((row) => ({ scopeId: row.scopeId, roleId: row.roleId, settings: settingsFromRow(row, approversBySettings.get(row.id) ?? []) }));

  const pending = db.select().from(s.requests).where(eq(s.requests.status, 'PendingApproval')).all();
  const requestApprovers = new Map<string, PrincipalRef[]>();
  if (pending.length) {
    for (const a of db.select().from(s.requestApprovers).where(inArray(s.requestApprovers.requestId, pending.map((p) => p.id))).all()) {
      const list = requestApprovers.get(a.requestId) ?? [];
      list.push({ type: a.principalType, id: a.principalId });
      requestApprovers.set(a.requestId, list);
    }
  }
  const requests: RequestFact[] = pending.map((r) => requestFact(r, requestApprovers.get(r.id) ?? []));
  return { resources, roles, users, groups, schedules, settings, requests };
}

export function requestFact(r: s.RequestRow, approvers: PrincipalRef[]): RequestFact {
  return {
    id: r.id,
    kind: r.kind,
    requestType: r.requestType,
    status: r.status,
    requesterId: r.requesterId,
    principal: { type: r.principalType, id: r.principalId },
    roleId: r.roleId,
    scopeId: r.scopeId,
    startAt: r.startAt,
    endAt: r.endAt,
    createdAt: r.createdAt,
    approvalDeadline: r.approvalDeadline,
    approvers,
    linkedEligibilityId: r.linkedEligibilityId,
    targetScheduleId: r.targetScheduleId,
  };
}
