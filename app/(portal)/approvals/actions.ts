'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { action } from '@/lib/auth/action';
import { decideMany, type DecideManyResult } from '@/lib/approvals';
import { ElevateError } from '@/lib/errors';

const ids = z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().min(1).max(100)).min(1, 'Select at least one request').max(100));

const decideSchema = z.object({
  requestId: ids,
  decision: z.enum(['Approve', 'Deny'], { message: 'Choose Approve or Deny' }),
  justification: z.string().trim().max(1000, 'Keep the justification under 1000 characters').optional(),
});

function summary(results: DecideManyResult[], decision: 'Approve' | 'Deny'): string {
  const done = results.filter((r) => r.ok).length;
  const verb = decision === 'Approve' ? 'Approved' : 'Denied';
  const parts: string[] = [];
  if (done) parts.push(`${verb} ${done === 1 && results.length === 1 ? 'the request' : `${done} request${done === 1 ? '' : 's'}`}.`);
  for (const r of results.filter((x) => !x.ok)) parts.push(r.message + (r.message.endsWith('.') ? '' : '.'));
  return parts.join(' ');
}

/**
 * Approve or deny one or several requests. Each settles on its own (decideMany); the
 * engine decides who may decide inside the service. When nothing could be decided and
 * the reason is the same for all (a missing justification), it comes back as a field error.
 */
export const decideRequests = action(
  decideSchema,
  (input, { user, now }) => {
    const results = decideMany(getDb(), user, { requestIds: input.requestId, decision: input.decision, justification: input.justification }, now, { channel: 'portal' });
    if (results.every((r) => !r.ok)) {
      const needsWhy = results.every((r) => r.code === 'InvalidRequest');
      throw new ElevateError(results[0].code === 'AlreadyDecided' ? 'AlreadyDecided' : 'InvalidRequest', summary(results, input.decision), {
        fieldErrors: needsWhy ? { justification: ['Write a justification: the settings of this role ask approvers to justify their decision.'] } : undefined,
        details: results,
      });
    }
    revalidatePath('/approvals');
    return { results, summary: summary(results, input.decision) };
  },
  { success: (r) => r.summary },
);
