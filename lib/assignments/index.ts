import 'server-only';
import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Db, Tx } from '@/db/client';
import type { User } from '@/db/schema';
import { assignmentSchedules, eligibilitySchedules, requests, type RequestRow } from '@/db/schema';
import { createsSchedule, evaluateAdminRequest, type AdminResult, type PolicyIndex, type RoleSettings } from '@/lib/policy';
import { writeAudit } from '@/lib/audit/write';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { policyIndex } from '@/lib/tenant/engine';
import { describeAll } from '@/lib/resources/names';
import { capLinkedActivations } from './caps';
import { adminRefusal } from './errors';
import { notifyAssignment } from './notify';

export { capLinkedActivations } from './caps';
export { assignmentsAt, assignmentsPage, ASSIGNMENT_KEY_SHAPE, type AssignmentView, type AssignmentFilters } from './queries';

export type AdminRequestType = 'AdminAssign' | 'AdminUpdate' | 'AdminRemove' | 'AdminExtend' | 'AdminRenew';

export interface AdminRequestInput {
  requestType: AdminRequestType;
  kind: 'eligible' | 'active';
  principal: { type: 'User' | 'Group'; id: string };
  roleId: string;
  scopeId: string;
  startAt: number;
  endAt: number | null;
  justification?: string;
  ticketNumber?: string;
  ticketSystem?: string;
  targetScheduleId?: string;
  mfaVerifiedAt?: number | null;
}

type Actor = Pick<User, 'id' | 'displayName'>;

const ACTION: Record<AdminRequestType, string> = {
  AdminAssign: 'added',
  AdminUpdate: 'updated',
  AdminRemove: 'removed',
  AdminExtend: 'extended',
  AdminRenew: 'renewed',
};

function evaluate(index: PolicyIndex, actor: Actor, input: AdminRequestInput, now: number): AdminResult {
  return evaluateAdminRequest(index, {
    actorId: actor.id,
    requestType: input.requestType,
    kind: input.kind,
    principal: input.principal,
    roleId: input.roleId,
    scopeId: input.scopeId.toLowerCase(),
    startAt: input.startAt,
    endAt: input.endAt,
    justification: input.justification ?? null,
    mfaVerifiedAt: input.mfaVerifiedAt ?? null,
    targetScheduleId: input.targetScheduleId ?? null,
    now,
  });
}

/** The engine's answer without writing anything (forms' preview, the API's /validate). */
export function validateAdminRequest(
  db: Db | Tx,
  actor: Actor,
  input: AdminRequestInput,
  now: number,
): AdminResult & { messages: string[] } {
  const index = policyIndex(db);
  const r = evaluate(index, actor, input, now);
  return { ...r, messages: describeAll(index, r.ok ? r.reasons : r.violations) };
}

/**
 * An administrator's change to an eligible or active assignment. The engine decides
 * (management access, expiration rules, overlaps, windows); then, in one transaction,
 * the Provisioned request, the schedule change, the audit event, the notifications and
 * the revision bump. A refusal writes nothing.
 */
export function submitAdminRequest(
  db: Db,
  actor: Actor,
  input: AdminRequestInput,
  now: number,
  opts: { channel?: 'portal' | 'api'; requestId?: string } = {},
): { request: RequestRow; scheduleId: string | null } {
  const result = db.transaction(
    (tx) => {
      const index = policyIndex(tx);
      const result = evaluate(index, actor, input, now);
      if (!result.ok) throw adminRefusal(index, result.violations);
      const scopeId = input.scopeId.toLowerCase();
      // an API client names its request (ARM requests are PUT by GUID)
      const requestId = opts.requestId ?? crypto.randomUUID();
      const scheduleId = applySchedule(tx, actor, input, scopeId, requestId, now);
      tx.insert(requests)
        .values({
          id: requestId,
          kind: input.kind === 'eligible' ? 'eligibility' : 'assignment',
          requestType: input.requestType,
          status: 'Provisioned',
          requesterId: actor.id,
          principalType: input.principal.type,
          principalId: input.principal.id,
          roleId: input.roleId,
          scopeId,
          justification: input.justification || null,
          ticketNumber: input.ticketNumber || null,
          ticketSystem: input.ticketSystem || null,
          startAt: input.startAt,
          endAt: input.endAt,
          mfaVerifiedAt: input.mfaVerifiedAt ?? null,
          settingsSnapshot: JSON.stringify(result.settings),
          targetScheduleId: scheduleId ?? input.targetScheduleId ?? null,
          createdAt: now,
          completedAt: now,
          channel: opts.channel ?? 'portal',
        })
        .run();
      const principalName =
        input.principal.type === 'User' ? index.users.get(input.principal.id)?.displayName : index.groups.get(input.principal.id)?.name;
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: `${input.kind === 'eligible' ? 'Eligible' : 'Active'} assignment ${ACTION[input.requestType]}`,
        principal: { ...input.principal, name: principalName },
        role: { id: input.roleId, name: index.roles.get(input.roleId)?.name },
        scopeId,
        requestId,
        justification: input.justification || null,
        details: {
          requestType: input.requestType,
          startAt: input.startAt,
          endAt: input.endAt,
          scheduleId,
          channel: opts.channel ?? 'portal',
          ...(input.requestType === 'AdminRenew' ? { renewedScheduleId: input.targetScheduleId ?? null } : {}),
        },
      });
      notifyAssignment(tx, index, actor, input, scopeId, result.settings as RoleSettings, requestId, now);
      return { request: tx.select().from(requests).where(eq(requests.id, requestId)).get()!, scheduleId };
    },
    { behavior: 'immediate' },
  );
  // the e-mails were queued in the transaction; send them (or file them in the outbox) now it committed
  scheduleDelivery(db);
  return result;
}

/** Writes the schedule change the engine approved; returns the schedule created or changed. */
function applySchedule(tx: Tx, actor: Actor, input: AdminRequestInput, scopeId: string, requestId: string, now: number): string | null {
  const table = input.kind === 'eligible' ? eligibilitySchedules : assignmentSchedules;
  if (createsSchedule(input.requestType)) {
    // ADR 110: a renewal is a new assignment, as in the self path; the ended one stays in history as it was
    const id = crypto.randomUUID();
    const row = {
      id,
      principalType: input.principal.type,
      principalId: input.principal.id,
      roleId: input.roleId,
      scopeId,
      startAt: input.startAt,
      endAt: input.endAt,
      createdAt: now,
      createdBy: actor.id,
      requestId,
      updatedAt: now,
    };
    if (input.kind === 'eligible') tx.insert(eligibilitySchedules).values(row).run();
    else
      tx.insert(assignmentSchedules)
        .values({ ...row, origin: 'assigned' })
        .run();
    return id;
  }
  const target = input.targetScheduleId!;
  if (input.requestType === 'AdminRemove') {
    tx.update(table).set({ revokedAt: now, revokedBy: actor.id, requestId, updatedAt: now }).where(eq(table.id, target)).run();
    // rule 4: an activation never outlives the eligible assignment it comes from
    if (input.kind === 'eligible') capLinkedActivations(tx, target, { revokedAt: now }, now, actor.id);
    return target;
  }
  tx.update(table).set({ startAt: input.startAt, endAt: input.endAt, requestId, updatedAt: now }).where(eq(table.id, target)).run();
  // rule 4: after shortening an eligible assignment, linked activations end no later than it does
  if (input.kind === 'eligible') capLinkedActivations(tx, target, { endAt: input.endAt }, now);
  return target;
}
