'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { createScimToken, revokeScimToken } from '@/lib/scim/tokens';

/** Each action authenticates (action()), validates with zod and authorizes in its service (tenant PIM administrators only). */
const createSchema = z.object({
  name: z.string().trim().min(1, 'Name the token after the identity provider that uses it.').max(80, 'At most 80 characters.'),
});

/** The secret comes back once, in this result; only its hash is kept. */
export const createScimTokenAction = action(
  createSchema,
  (input, { user, now }) => {
    const issued = createScimToken(getDb(), user, input, now);
    revalidatePath('/admin/users/provisioning');
    return { token: issued.token, name: issued.summary.name };
  },
  { success: (r) => `SCIM token "${r.name}" created. Copy it into the identity provider now: it is not shown again.` },
);

export const revokeScimTokenAction = action(
  z.object({ tokenId: z.string().min(1).max(100) }),
  (input, { user, now }) => {
    const t = revokeScimToken(getDb(), user, input.tokenId, now);
    revalidatePath('/admin/users/provisioning');
    return t.name;
  },
  {
    success: (name) =>
      `SCIM token "${name}" revoked. The identity provider's next call gets 401; provisioning stops until it has a new token.`,
  },
);
