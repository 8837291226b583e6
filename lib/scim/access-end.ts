import 'server-only';
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { apiTokens, assignmentSchedules, eligibilitySchedules, requests, roleDefinitions, type User } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { endAllSessionsInTx } from '@/lib/auth/sessions';
import {
  accessEndedByLeavingGroup,
  deprovisionEffects,
  deprovisionTargets,
  type ActivationFact,
  type DeprovisionKind,
  type PendingRequestFact,
} from '@/lib/policy/provisioning';
import { clientActor, type ScimClient } from './tokens';

/**
 * What a provisioning change takes away, written inside the caller's transaction with one
 * audit event per thing ended, each naming the provisioning client (ADR 102). The policy
 * engine decides what ends (lib/policy/provisioning); this loads the facts and writes.
 */

type Person = Pick<User, 'id' | 'displayName'>;

/**
 * Who takes the access away, as the audit names it: a provisioning client (SCIM) or an
 * administrator removing a member in the portal. The same rule ends the same access either way.
 */
export interface Remover {
  actor: { id: string | null; name: string };
  /** the audit actions' wording: "… by provisioning" or plain "…" for an administrator */
  via: 'provisioning' | 'administrator';
  details: Record<string, unknown>;
}

export const scimRemover = (client: ScimClient): Remover => ({
  actor: clientActor(client),
  via: 'provisioning',
  details: { scimTokenId: client.tokenId },
});

const actionOf = (what: 'Activation revoked' | 'Request canceled', by: Remover) =>
  by.via === 'provisioning' ? `${what} by provisioning` : what;

function activationsOf(tx: Tx, userId: string): ActivationFact[] {
  return tx
    .select()
    .from(assignmentSchedules)
    .where(
      and(
        eq(assignmentSchedules.principalType, 'User'),
        eq(assignmentSchedules.principalId, userId),
        isNull(assignmentSchedules.revokedAt),
      ),
    )
    .all()
    .map((s) => ({ ...s, principal: { type: s.principalType, id: s.principalId } }));
}

function pendingOf(tx: Tx, userId: string): PendingRequestFact[] {
  return tx
    .select()
    .from(requests)
    .where(
      and(
        eq(requests.status, 'PendingApproval'),
        or(eq(requests.requesterId, userId), and(eq(requests.principalType, 'User'), eq(requests.principalId, userId))),
      ),
    )
    .all();
}

const roleName = (tx: Tx, roleId: string) =>
  tx.select({ n: roleDefinitions.name }).from(roleDefinitions).where(eq(roleDefinitions.id, roleId)).get()?.n ?? roleId;

function revokeActivations(tx: Tx, by: Remover, user: Person, ids: string[], now: number, why: string, extra: Record<string, unknown>) {
  for (const id of ids) {
    const s = tx.select().from(assignmentSchedules).where(eq(assignmentSchedules.id, id)).get()!;
    tx.update(assignmentSchedules).set({ revokedAt: now, updatedAt: now }).where(eq(assignmentSchedules.id, id)).run();
    writeAudit(tx, {
      at: now,
      actor: by.actor,
      action: actionOf('Activation revoked', by),
      principal: { type: 'User', id: user.id, name: user.displayName },
      role: { id: s.roleId, name: roleName(tx, s.roleId) },
      scopeId: s.scopeId,
      details: { scheduleId: id, plannedEnd: s.endAt, reason: why, ...by.details, ...extra },
    });
  }
}

function cancelRequests(tx: Tx, by: Remover, user: Person, ids: string[], now: number, why: string, extra: Record<string, unknown>) {
  for (const id of ids) {
    const r = tx.select().from(requests).where(eq(requests.id, id)).get()!;
    tx.update(requests)
      .set({ status: 'Canceled', canceledAt: now, completedAt: now })
      .where(and(eq(requests.id, id), eq(requests.status, 'PendingApproval')))
      .run();
    writeAudit(tx, {
      at: now,
      actor: by.actor,
      action: actionOf('Request canceled', by),
      principal: { type: 'User', id: user.id, name: user.displayName },
      role: { id: r.roleId, name: roleName(tx, r.roleId) },
      scopeId: r.scopeId,
      requestId: id,
      details: { requestType: r.requestType, reason: why, ...by.details, ...extra },
    });
  }
}

/**
 * Deprovisioning (active: false, or DELETE): the caller has already disabled the user. Every
 * session ends, every personal API token is revoked, live activations are revoked and
 * pending requests canceled, each audited with the client's name.
 */
export function endEverything(tx: Tx, client: ScimClient, user: Person, now: number, kind: DeprovisionKind): Record<string, unknown> {
  const fx = deprovisionEffects(kind);
  const why = kind === 'delete' ? 'deleted' : 'disabled';
  const sessionsEnded = fx.endSessions ? endAllSessionsInTx(tx, user.id, now, null, 'user-disabled') : [];
  const live = !fx.revokeApiTokens
    ? []
    : tx
        .select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix })
        .from(apiTokens)
        .where(and(eq(apiTokens.userId, user.id), isNull(apiTokens.revokedAt)))
        .all();
  if (live.length) {
    tx.update(apiTokens)
      .set({ revokedAt: now })
      .where(
        inArray(
          apiTokens.id,
          live.map((t) => t.id),
        ),
      )
      .run();
    writeAudit(tx, {
      at: now,
      actor: clientActor(client),
      action: 'API tokens revoked by provisioning',
      principal: { type: 'User', id: user.id, name: user.displayName },
      details: { tokens: live, reason: `user ${why}`, scimTokenId: client.tokenId },
    });
  }
  const { revoke, cancel } = deprovisionTargets(activationsOf(tx, user.id), pendingOf(tx, user.id), now);
  if (fx.revokeActivations) revokeActivations(tx, scimRemover(client), user, revoke, now, `user ${why}`, {});
  if (fx.cancelPendingRequests) cancelRequests(tx, scimRemover(client), user, cancel, now, `user ${why}`, {});
  return { sessionsEnded, apiTokensRevoked: live.map((t) => t.id), activationsRevoked: revoke, requestsCanceled: cancel };
}

/**
 * A member leaves a group: the engine stops counting the group's assignments for them by
 * itself (the membership row is gone); what they activated from the group's eligible
 * assignments, and what they asked to activate from them, ends here.
 */
export function endAccessThroughGroup(
  tx: Tx,
  by: Remover,
  user: Person,
  group: { id: string; name: string },
  now: number,
): { revoked: string[]; canceled: string[] } {
  const eligibilities = new Set(
    tx
      .select({ id: eligibilitySchedules.id })
      .from(eligibilitySchedules)
      .where(and(eq(eligibilitySchedules.principalType, 'Group'), eq(eligibilitySchedules.principalId, group.id)))
      .all()
      .map((e) => e.id),
  );
  if (eligibilities.size === 0) return { revoked: [], canceled: [] };
  const { revoke, cancel } = accessEndedByLeavingGroup(eligibilities, activationsOf(tx, user.id), pendingOf(tx, user.id), now);
  const extra = { groupId: group.id, group: group.name };
  revokeActivations(tx, by, user, revoke, now, 'left the group the eligibility came through', extra);
  cancelRequests(tx, by, user, cancel, now, 'left the group the eligibility came through', extra);
  return { revoked: revoke, canceled: cancel };
}
