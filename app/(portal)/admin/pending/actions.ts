'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { cancelRequestAsAdmin } from '@/lib/approvals';

const schema = z.object({
  requestId: z.string().min(1).max(100),
  justification: z
    .string()
    .trim()
    .min(1, 'Say why you cancel this request; the requester reads it')
    .max(1000, 'Keep it under 1000 characters'),
});

/** An administrator cancels a pending request; management access at the request's scope is checked by the engine in the service. */
export const cancelPendingRequest = action(
  schema,
  (input, { user, now }) => {
    const row = cancelRequestAsAdmin(getDb(), user, input, now);
    revalidatePath('/admin/pending');
    revalidatePath('/approvals');
    return { id: row.id };
  },
  { success: () => 'Request canceled. The requester has been told why.' },
);
