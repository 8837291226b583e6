import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';

/**
 * The event journal and the delivery log keep 30 days. An endpoint paused for longer than
 * that loses the oldest events it never received; the pause alert says so long before.
 * Resolved drift findings keep the same window (the audit log keeps them for ever).
 */
export const KEEP_MS = 30 * 86_400_000;

export function pruneConnectorHistory(db: Db, now: number): { events: number; deliveries: number; drift: number } {
  const cutoff = now - KEEP_MS;
  return db.transaction(
    (tx) => ({
      events: tx.run(sql`DELETE FROM connector_events WHERE at < ${cutoff}`).changes,
      deliveries: tx.run(sql`DELETE FROM webhook_deliveries WHERE at < ${cutoff}`).changes,
      drift: tx.run(sql`DELETE FROM connector_drift WHERE resolved_at IS NOT NULL AND resolved_at < ${cutoff}`).changes,
    }),
    { behavior: 'immediate' },
  );
}
