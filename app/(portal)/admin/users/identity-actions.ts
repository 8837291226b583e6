'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { config } from '@/lib/config';
import { ElevateError } from '@/lib/errors';
import { action } from '@/lib/auth/action';
import { linkSubjectByAdmin, setBreakGlass } from '@/lib/auth/oidc/link';

const target = z.object({ userId: z.string().min(1).max(100) });
const justification = z.string().trim().min(1, 'Say why.').max(1000);

/** Marks or unmarks a break-glass account (tenant PIM administrators; the service checks, in its transaction, with the audit). */
export const breakGlassAction = action(
  target.extend({ on: z.enum(['true', 'false']), justification }),
  (input, { user, now }) => {
    const u = setBreakGlass(getDb(), user, input.userId, input.on === 'true', now, input.justification);
    revalidatePath('/admin/users');
    return u;
  },
  {
    success: (u) =>
      u.breakGlass
        ? `${u.displayName} is a break-glass account: password sign-in stays open to them.`
        : `${u.displayName} is no longer a break-glass account.`,
  },
);

/** Links an existing account to the provider's subject, after the administrator checked who it is. */
export const linkSsoAction = action(
  target.extend({ subject: z.string().trim().min(1, "Give the provider's subject (sub).").max(255), justification }),
  (input, { user, now }) => {
    const oidc = config().oidc;
    if (!oidc) throw new ElevateError('InvalidRequest', 'No identity provider is configured.');
    const u = linkSubjectByAdmin(getDb(), user, input.userId, oidc.issuer, input.subject, now, input.justification);
    revalidatePath('/admin/users');
    return u;
  },
  { success: (u) => `${u.displayName} is linked to single sign-on: their next sign-in through the provider opens this account.` },
);
