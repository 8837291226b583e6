import 'server-only';
import crypto from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { assignmentSchedules, requestApprovers, requests, type User } from '@/db/schema';
import { MINUTE_MS, evaluateSelfRequest, requestStatus, selfChangeWindow } from '@/lib/policy';
import { policyIndex } from '@/lib/tenant/engine';
import { requestFact } from '@/lib/tenant/snapshot';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { config } from '@/lib/config';
import { ElevateError } from '@/lib/errors';
import { nameLookup } from '@/lib/resources/names';
import { scopeName } from './names';
import { describeViolations, refusal } from './violations';
import { utcStamp } from '@/lib/notify/utc';

type Actor = Pick<User, 'id' | 'displayName'>;

export interface SelfRequestInput {
  requestType: 'SelfDeactivate' | 'SelfExtend' | 'SelfRenew';
  targetScheduleId: string;
  /** length of the new window from now (extend/renew); ignored when endAt is given */
  durationMinutes?: number;
  /** requested new end (extend/renew); null = permanent, if the settings allow it */
  endAt?: number | null;
  justification?: string;
}

export interface SelfRequestResultRow {
  requestId: string;
  status: 'Provisioned' | 'PendingApproval';
  approverUserIds: string[];
  approvalDeadline: number | null;
}

const clean = (s: string | undefined) => (s === undefined || s.trim() === '' ? undefined : s.trim());

/**
 * A requester acting on their own assignment. Deactivate ends an activation now.
 * Extend and renew become requests that someone with PIM management access at the
 * scope must approve (the engine names them, never the requester). Extend and renew
 * ask for a window measured from now, which must fit the assignment settings of the scope.
 */
export function submitSelfRequest(
  db: Db,
  actor: Actor,
  input: SelfRequestInput,
  now: number,
  opts: { channel?: 'portal' | 'api'; requestId?: string } = {},
): SelfRequestResultRow {
  const result = db.transaction(
    (tx): SelfRequestResultRow => {
      const index = policyIndex(tx);
      const names = nameLookup(index);
      const target = index.schedules.get(input.targetScheduleId);
      const justification = clean(input.justification) ?? null;
      const deactivate = input.requestType === 'SelfDeactivate';
      // the window asked for, the engine's default when none is named (selfChangeWindow)
      const { startAt, endAt } =
        !deactivate && target
          ? selfChangeWindow(index, target, { endAt: input.endAt, durationMinutes: input.durationMinutes }, now)
          : { startAt: now, endAt: null };
      const verdict = evaluateSelfRequest(index, {
        userId: actor.id,
        requestType: input.requestType,
        targetScheduleId: input.targetScheduleId,
        startAt,
        endAt,
        justification,
        now,
      });
      const violations = verdict.ok ? [] : verdict.violations;
      if (violations.length || !verdict.ok || !target) {
        throw refusal(
          describeViolations(
            violations.map((v) => ({ label: null, violation: v })),
            names,
          ),
        );
      }
      const requestId = opts.requestId ?? crypto.randomUUID();
      const role = names.role(target.roleId);
      const kind = target.kind === 'eligible' ? 'eligibility' : 'assignment';
      const who = { type: 'User', id: actor.id, name: actor.displayName };
      if (deactivate) {
        tx.insert(requests)
          .values({
            id: requestId,
            kind,
            requestType: 'SelfDeactivate',
            status: 'Provisioned',
            requesterId: actor.id,
            principalType: 'User',
            principalId: actor.id,
            roleId: target.roleId,
            scopeId: target.scopeId,
            justification,
            startAt: now,
            endAt: now,
            linkedEligibilityId: target.linkedEligibilityId,
            targetScheduleId: target.id,
            createdAt: now,
            completedAt: now,
            channel: opts.channel ?? 'portal',
          })
          .run();
        tx.update(assignmentSchedules)
          .set({ revokedAt: now, revokedBy: actor.id, updatedAt: now })
          .where(and(eq(assignmentSchedules.id, target.id)))
          .run();
        writeAudit(tx, {
          at: now,
          actor: { id: actor.id, name: actor.displayName },
          action: 'Role deactivated',
          principal: who,
          role: { id: target.roleId, name: role },
          scopeId: target.scopeId,
          requestId,
          justification,
          details: { scheduleId: target.id, plannedEnd: target.endAt },
        });
        return { requestId, status: 'Provisioned' as const, approverUserIds: [], approvalDeadline: null };
      }
      const deadline = now + verdict.settings.approvalTimeoutMinutes * MINUTE_MS;
      tx.insert(requests)
        .values({
          id: requestId,
          kind,
          requestType: input.requestType,
          status: 'PendingApproval',
          requesterId: actor.id,
          principalType: 'User',
          principalId: actor.id,
          roleId: target.roleId,
          scopeId: target.scopeId,
          justification,
          startAt,
          endAt,
          approvalRequired: true,
          approvalDeadline: deadline,
          settingsSnapshot: JSON.stringify({ scopeId: target.scopeId, roleId: target.roleId, settings: verdict.settings }),
          targetScheduleId: target.id,
          createdAt: now,
          channel: opts.channel ?? 'portal',
        })
        .run();
      for (const id of verdict.approverUserIds)
        tx.insert(requestApprovers).values({ requestId, principalType: 'User', principalId: id }).run();
      const verb = input.requestType === 'SelfExtend' ? 'extend' : 'renew';
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: `Self ${verb} requested`,
        principal: who,
        role: { id: target.roleId, name: role },
        scopeId: target.scopeId,
        requestId,
        justification,
        details: {
          scheduleId: target.id,
          kind: target.kind,
          startAt,
          endAt,
          approvers: verdict.approverUserIds,
          approvalDeadline: deadline,
        },
      });
      notify(
        tx,
        {
          userIds: verdict.approverUserIds,
          kind: 'approval-requested',
          requestId,
          link: `/approvals/${requestId}`,
          title: `${actor.displayName} asks to ${verb} ${role} on ${scopeName(index, target.scopeId)}`,
          body:
            `${actor.displayName} asks to ${verb} their ${target.kind} assignment of ${role} on ${names.scope(target.scopeId)} ` +
            `until ${endAt === null ? 'permanent' : utcStamp(endAt)}.\n` +
            `Justification: ${justification ?? '(none)'}\nDecide before ${utcStamp(deadline)}.`,
        },
        now,
        config().publicUrl,
      );
      return { requestId, status: 'PendingApproval' as const, approverUserIds: verdict.approverUserIds, approvalDeadline: deadline };
    },
    { behavior: 'immediate' },
  );
  if (result.status === 'PendingApproval') scheduleDelivery(db);
  return result;
}

/** The requester withdraws a request that still waits for a decision. */
export function cancelOwnRequest(db: Db, actor: Actor, requestId: string, now: number): { requestId: string } {
  return db.transaction(
    (tx) => {
      const row = tx.select().from(requests).where(eq(requests.id, requestId)).get();
      if (!row || row.requesterId !== actor.id) throw new ElevateError('NotFound', 'No such request of yours.');
      const approvers = tx
        .select()
        .from(requestApprovers)
        .where(eq(requestApprovers.requestId, requestId))
        .all()
        .map((a) => ({ type: a.principalType, id: a.principalId }));
      const status = requestStatus(requestFact(row, approvers), now);
      if (status === 'Provisioned' && !row.approvalRequired) {
        throw new ElevateError(
          'AlreadyDecided',
          'This request needed no approval and was carried out when it was made, so there is nothing to cancel.',
        );
      }
      if (status !== 'PendingApproval') {
        const word =
          {
            TimedOut: 'timed out',
            Provisioned: 'approved and carried out',
            Denied: 'denied',
            Canceled: 'canceled',
            Revoked: 'revoked',
            Failed: 'failed',
          }[status] ?? status;
        throw new ElevateError(
          'AlreadyDecided',
          `This request has already ${word === 'canceled' ? 'been canceled' : word === 'timed out' ? 'timed out' : `been ${word}`}` +
            ', so it can no longer be canceled.',
        );
      }
      // the engine is asked before the write: an index built from uncommitted rows would be cached under the old revision
      const index = policyIndex(tx);
      tx.update(requests)
        .set({ status: 'Canceled', canceledAt: now, canceledBy: actor.id, completedAt: now })
        .where(and(eq(requests.id, requestId), eq(requests.status, 'PendingApproval')))
        .run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Request canceled',
        principal: { type: 'User', id: actor.id, name: actor.displayName },
        role: { id: row.roleId, name: index.roles.get(row.roleId)?.name },
        scopeId: row.scopeId,
        requestId,
        details: { requestType: row.requestType },
      });
      return { requestId };
    },
    { behavior: 'immediate' },
  );
}
