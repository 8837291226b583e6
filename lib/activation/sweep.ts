import 'server-only';
import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { assignmentSchedules, notifications } from '@/db/schema';
import { MINUTE_MS, scheduleStatus } from '@/lib/policy';
import { assignmentFact } from '@/db/mappers';
import { policyIndex } from '@/lib/tenant/engine';
import { scheduleDelivery } from '@/lib/notify/deliver';
import { notify } from '@/lib/notify/notify';
import { config } from '@/lib/config';
import { nameLookup } from '@/lib/resources/names';
import { scopeName } from './names';
import { utcStamp } from '@/lib/notify/utc';

/** How long before its end an activation's holder is warned. */
export const ENDING_SOON_MINUTES = 15;

/**
 * Tells requesters their activation ends within ENDING_SOON_MINUTES: once per
 * activation (the notification row with kind + request id is the marker), so running
 * it every minute is harmless. Returns how many notices were sent.
 */
export function sweepEndingSoon(db: Db, now: number): number {
  const sent = db.transaction(
    (tx) => {
      const rows = tx
        .select()
        .from(assignmentSchedules)
        .where(
          and(
            eq(assignmentSchedules.origin, 'activated'),
            isNull(assignmentSchedules.revokedAt),
            gt(assignmentSchedules.endAt, now),
            lte(assignmentSchedules.endAt, now + ENDING_SOON_MINUTES * MINUTE_MS),
          ),
        )
        .all();
      if (!rows.length) return 0;
      const index = policyIndex(tx);
      const names = nameLookup(index);
      let sent = 0;
      for (const row of rows) {
        if (scheduleStatus(assignmentFact(row), now) !== 'Active' || !row.requestId) continue;
        const marker = tx
          .select({ id: notifications.id })
          .from(notifications)
          .where(
            and(
              eq(notifications.kind, 'activation-ending'),
              eq(notifications.requestId, row.requestId),
              eq(notifications.userId, row.principalId),
            ),
          )
          .get();
        if (marker) continue;
        const role = names.role(row.roleId);
        notify(
          tx,
          {
            userIds: [row.principalId],
            kind: 'activation-ending',
            requestId: row.requestId,
            link: '/my-roles?tab=active',
            title: `${role} on ${scopeName(index, row.scopeId)} ends soon`,
            body: `Your activation of ${role} on ${names.scope(row.scopeId)} ends at ${utcStamp(row.endAt!)}. Activate again if you still need it.`,
          },
          now,
          config().publicUrl,
        );
        sent++;
      }
      return sent;
    },
    { behavior: 'immediate' },
  );
  if (sent) scheduleDelivery(db);
  return sent;
}
