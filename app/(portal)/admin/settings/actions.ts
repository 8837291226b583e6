'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { MFA_METHODS, setTenantMfaMethod } from '@/lib/auth/oidc/mfa-method';

const mfaSchema = z.object({ mfaMethod: z.enum(MFA_METHODS, { message: 'Choose how MFA is satisfied.' }) });

const LABELS = {
  totp: 'an authenticator code',
  idp: 'the identity provider',
  either: 'an authenticator code or the identity provider',
} as const;

/** Admin › Settings › MFA method: tenant PIM administrators only (checked in the service, in its transaction). */
export const saveMfaMethod = action(
  mfaSchema,
  (input, { user, now }) => {
    setTenantMfaMethod(getDb(), user, input.mfaMethod, now);
    revalidatePath('/admin/settings');
  },
  { success: (_r, input) => `Saved. Activation and approval MFA is now satisfied by ${LABELS[input.mfaMethod]}.` },
);
