'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { cancelOwnRequest } from '@/lib/activation';

/** The requester withdraws their own pending request; the service refuses anyone else's. */
export const cancelMyRequest = action(
  z.object({ requestId: z.string().min(1).max(100) }),
  (input, { user, now }) => {
    const r = cancelOwnRequest(getDb(), user, input.requestId, now);
    revalidatePath('/requests');
    revalidatePath(`/requests/${input.requestId}`);
    revalidatePath('/my-roles');
    return r;
  },
  { success: () => 'Request canceled.' },
);
