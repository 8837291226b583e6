import 'server-only';
import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { assignmentSchedules } from '@/db/schema';
import { assignmentFact } from '@/db/mappers';
import { activationEndWithin } from '@/lib/policy';

/**
 * Rule 4 after an eligible assignment's end moved (an admin update or extension, an approved
 * self-extension or renewal): each activation that came from it ends no later than it does.
 * The engine says which and when; this writes it.
 */
export function capLinkedActivations(tx: Tx, eligibilityId: string, eligibilityEnd: number | null, now: number): void {
  if (eligibilityEnd === null) return;
  const linked = tx.select().from(assignmentSchedules).where(eq(assignmentSchedules.linkedEligibilityId, eligibilityId)).all();
  for (const row of linked) {
    const endAt = activationEndWithin(assignmentFact(row), eligibilityEnd);
    if (endAt !== null) tx.update(assignmentSchedules).set({ endAt, updatedAt: now }).where(eq(assignmentSchedules.id, row.id)).run();
  }
}
