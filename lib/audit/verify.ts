import { asc, gt } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { auditEvents } from '@/db/schema';
import { verifyChain, type ChainBreak } from './chain';

/** Re-computes the whole hash chain in seq order (streamed in chunks) and reports the first broken link. */
export function verifyAuditChain(db: DbOrTx): { checked: number; firstBreak: ChainBreak | null } {
  function* rows() {
    let after = 0;
    for (;;) {
      const batch = db.select().from(auditEvents).where(gt(auditEvents.seq, after)).orderBy(asc(auditEvents.seq)).limit(2000).all();
      yield* batch;
      if (batch.length < 2000) return;
      after = batch[batch.length - 1].seq;
    }
  }
  return verifyChain(rows());
}

export function describeBreak(b: ChainBreak): string {
  return b.problem === 'prev-hash-mismatch'
    ? `Event #${b.seq} (${b.id}) does not link to the event before it: an event was removed or reordered.`
    : `Event #${b.seq} (${b.id}) was altered after it was written: its content no longer matches its hash.`;
}
