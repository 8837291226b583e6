import 'server-only';
import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { assignmentSchedules } from '@/db/schema';
import { assignmentFact } from '@/db/mappers';
import { linkedActivationChanges, type EligibilityChange } from '@/lib/policy';

/**
 * Rule 4 after an eligible assignment changed (an admin update, extension or removal, an
 * approved self-extension): each activation that came from it ends no later than it does, or
 * at once when it was removed. The engine says which and how (linkedActivationChanges); this
 * writes it. `actorId` is recorded as who revoked, for a removal.
 */
export function capLinkedActivations(tx: Tx, eligibilityId: string, change: EligibilityChange, now: number, actorId?: string): void {
  if ('endAt' in change && change.endAt === null) return;
  const linked = tx.select().from(assignmentSchedules).where(eq(assignmentSchedules.linkedEligibilityId, eligibilityId)).all();
  for (const c of linkedActivationChanges(linked.map(assignmentFact), change)) {
    const set =
      'revokedAt' in c ? { revokedAt: c.revokedAt, revokedBy: actorId ?? null, updatedAt: now } : { endAt: c.endAt, updatedAt: now };
    tx.update(assignmentSchedules).set(set).where(eq(assignmentSchedules.id, c.scheduleId)).run();
  }
}
