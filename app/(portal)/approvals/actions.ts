'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { getSession } from '@/lib/auth/session';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { decideMany, type DecideManyResult } from '@/lib/approvals';
import { ElevateError } from '@/lib/errors';

const ids = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().min(1).max(100)).min(1, 'Select at least one request').max(100),
);

const decideSchema = z.object({
  requestId: ids,
  decision: z.enum(['Approve', 'Deny'], { message: 'Choose Approve or Deny' }),
  justification: z.string().trim().max(1000, 'Keep the justification under 1000 characters').optional(),
  // one code for the whole batch (rule 11); the service verifies it only when an approval needs it
  mfaCode: z
    .string()
    .trim()
    .max(12, 'The code has 6 digits.')
    .optional()
    .transform((v) => (v ? v : undefined)),
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
 * engine decides who may decide, and whether an approval needs the approver's fresh MFA
 * moment, inside the service. One MFA code covers the batch. When nothing could be decided
 * and the reason is the same for all (a missing justification, a missing MFA code), it
 * comes back as a field error. The answer says until when this session's MFA moment
 * counts, so the next decision asks for no code before then.
 */
export const decideRequests = action(
  decideSchema,
  async (input, { user, now }) => {
    const db = getDb();
    const sessionId = (await getSession())?.sessionId ?? null;
    const results = decideMany(
      db,
      user,
      { requestIds: input.requestId, decision: input.decision, justification: input.justification, mfaCode: input.mfaCode },
      now,
      { channel: 'portal', sessionId },
    );
    if (results.every((r) => !r.ok)) {
      const needsWhy = results.every((r) => r.code === 'InvalidRequest');
      const needsMfa = results.every((r) => r.code === 'MfaRequired');
      const code = results[0].code === 'AlreadyDecided' ? 'AlreadyDecided' : needsMfa ? 'MfaRequired' : 'InvalidRequest';
      throw new ElevateError(code, summary(results, input.decision), {
        fieldErrors: needsWhy
          ? { justification: ['Write a justification: the settings of this role ask approvers to justify their decision.'] }
          : needsMfa
            ? { mfaCode: ['Enter the 6-digit code from your authenticator app: approving this role requires MFA.'] }
            : undefined,
        details: results,
      });
    }
    revalidatePath('/approvals');
    return { results, summary: summary(results, input.decision), mfaVerifiedAt: sessionMfaVerifiedAt(db, user.id, sessionId) };
  },
  { success: (r) => r.summary },
);
