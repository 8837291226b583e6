import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { requests, type RequestRow, type User } from '@/db/schema';
import { describe, managementAccess, resolveApprovers } from '@/lib/policy';
import { ElevateError } from '@/lib/errors';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { config } from '@/lib/config';
import { policyIndex } from '@/lib/tenant/engine';
import { nameLookup } from '@/lib/resources/names';
import { derivedStatus, loadRequestFact, settledMessage } from './settled';

/**
 * An administrator of the request's scope (PIM management access, from the engine)
 * withdraws a pending request: confirm + justification, the requester is told why, the
 * approvers that it no longer waits for them.
 */
export function cancelRequestAsAdmin(
  db: Db,
  actor: Pick<User, 'id' | 'displayName'>,
  input: { requestId: string; justification: string },
  now: number,
  opts: { publicUrl?: string } = {},
): RequestRow {
  const publicUrl = opts.publicUrl ?? config().publicUrl;
  const justification = input.justification.trim();
  const row = db.transaction(
    (tx) => {
      const row = tx.select().from(requests).where(eq(requests.id, input.requestId)).get();
      if (!row) throw new ElevateError('NotFound', 'No such request');
      const index = policyIndex(tx);
      const names = nameLookup(index);
      const access = managementAccess(index, actor.id, row.scopeId, now);
      if (!access.allowed) {
        const why = access.eligibleOnly.length
          ? access.eligibleOnly.map((r) => describe(r, names)).join('. ')
          : describe({ code: 'not-authorized', scopeId: row.scopeId }, names);
        throw new ElevateError('AuthorizationFailed', why);
      }
      const fact = loadRequestFact(tx, row);
      const status = derivedStatus(fact, now);
      if (status !== 'PendingApproval') throw new ElevateError('AlreadyDecided', settledMessage(tx, row, status));
      if (!justification) {
        const msg = 'Say why you cancel this request; the requester reads it';
        throw new ElevateError('InvalidRequest', msg, { fieldErrors: { justification: [msg] } });
      }
      tx.update(requests)
        .set({ status: 'Canceled', canceledAt: now, canceledBy: actor.id, completedAt: now })
        .where(and(eq(requests.id, row.id), eq(requests.status, 'PendingApproval')))
        .run();
      const what = `${names.role(row.roleId)} on ${names.scope(row.scopeId)}`;
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Request canceled by administrator',
        principal: {
          type: row.principalType,
          id: row.principalId,
          name: names.principal({ type: row.principalType, id: row.principalId }),
        },
        role: { id: row.roleId, name: names.role(row.roleId) },
        scopeId: row.scopeId,
        requestId: row.id,
        justification,
        details: { requestType: row.requestType, reasons: access.reasons },
      });
      notify(
        tx,
        {
          userIds: [row.requesterId],
          kind: 'request-canceled',
          title: `Canceled: ${what}`,
          body: `${actor.displayName} canceled your request for ${what} at the administrators' end.\nJustification: ${justification}`,
          link: `/requests/${row.id}`,
          requestId: row.id,
        },
        now,
        publicUrl,
      );
      notify(
        tx,
        {
          userIds: resolveApprovers(index, fact.approvers, row.requesterId).userIds.filter((id) => id !== actor.id),
          kind: 'approval-settled',
          title: `Canceled by ${actor.displayName}: ${what}`,
          body: 'This request needs no decision from you any more.',
          link: `/approvals/${row.id}`,
          requestId: row.id,
          email: false,
        },
        now,
        publicUrl,
      );
      return tx.select().from(requests).where(eq(requests.id, row.id)).get()!;
    },
    { behavior: 'immediate' },
  );
  scheduleDelivery(db);
  return row;
}
