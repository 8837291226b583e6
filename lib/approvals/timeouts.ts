import 'server-only';
import { and, eq, isNotNull, lte } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { requests } from '@/db/schema';
import { requestStatus } from '@/lib/policy';
import { writeAudit } from '@/lib/audit/write';
import { notify } from '@/lib/notify/notify';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { config } from '@/lib/config';
import { policyIndex } from '@/lib/tenant/engine';
import { nameLookup } from '@/lib/resources/names';
import { utcStamp } from '@/lib/notify/utc';
import { loadRequestFact } from './settled';

const SYSTEM = { id: null, name: 'Elevate' };

/**
 * Stores TimedOut for pending requests whose approval deadline passed, audits it and
 * tells the requester. The engine derives TimedOut from time anyway (rule 3): this only
 * records and announces it, so it is safe to run late, twice, or from several processes
 * (only rows still stored as PendingApproval are touched). Returns how many it stored.
 */
export function sweepTimeouts(db: Db, now: number, opts: { publicUrl?: string } = {}): number {
  const publicUrl = opts.publicUrl ?? config().publicUrl;
  const count = db.transaction(
    (tx) => {
      const due = tx
        .select()
        .from(requests)
        .where(and(eq(requests.status, 'PendingApproval'), isNotNull(requests.approvalDeadline), lte(requests.approvalDeadline, now)))
        .all();
      if (!due.length) return 0;
      const names = nameLookup(policyIndex(tx));
      let stored = 0;
      for (const row of due) {
        if (requestStatus(loadRequestFact(tx, row), now) !== 'TimedOut') continue;
        const deadline = row.approvalDeadline!;
        tx.update(requests)
          .set({ status: 'TimedOut', completedAt: deadline })
          .where(and(eq(requests.id, row.id), eq(requests.status, 'PendingApproval')))
          .run();
        const what = `${names.role(row.roleId)} on ${names.scope(row.scopeId)}`;
        writeAudit(tx, {
          at: now,
          actor: SYSTEM,
          action: 'Request timed out',
          principal: {
            type: row.principalType,
            id: row.principalId,
            name: names.principal({ type: row.principalType, id: row.principalId }),
          },
          role: { id: row.roleId, name: names.role(row.roleId) },
          scopeId: row.scopeId,
          requestId: row.id,
          details: { approvalDeadline: deadline, requestType: row.requestType },
        });
        notify(
          tx,
          {
            userIds: [row.requesterId],
            kind: 'request-timed-out',
            title: `Timed out: ${what}`,
            body: `Nobody decided your request for ${what} before it timed out at ${utcStamp(deadline)}. Submit a new request if you still need the role.`,
            link: `/requests/${row.id}`,
            requestId: row.id,
          },
          now,
          publicUrl,
        );
        stored++;
      }
      return stored;
    },
    { behavior: 'immediate' },
  );
  if (count) scheduleDelivery(db);
  return count;
}
