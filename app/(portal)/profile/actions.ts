'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db';
import { action } from '@/lib/auth/action';
import { changePassword, changePasswordSchema } from '@/lib/auth/enrolment';
import { reissueSession } from '@/lib/auth/session';
import { MAX_TOKEN_DAYS } from '@/lib/tokens/format';
import { createApiToken, createStepUpToken, revokeApiToken } from '@/lib/tokens/tokens';

const createSchema = z.object({
  name: z.string().trim().min(1, 'Name the token so you can tell it apart later.').max(80, 'At most 80 characters.'),
  expiresInDays: z.coerce.number().int('Choose how long the token lives.').min(1).max(MAX_TOKEN_DAYS, `At most ${MAX_TOKEN_DAYS} days.`),
});

/** The secret comes back once, in this action's result; only its hash is kept. */
export const createTokenAction = action(createSchema, (input, { user, now }) => {
  const issued = createApiToken(getDb(), user, input, now);
  revalidatePath('/profile');
  return { token: issued.token, name: issued.summary.name, expiresAt: issued.summary.expiresAt };
}, { success: (r) => `Token "${r.name}" created. Copy it now: it is not shown again.` });

const stepUpSchema = z.object({
  mfaCode: z.string().trim().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app.'),
});

export const createStepUpTokenAction = action(stepUpSchema, (input, { user, now }) => {
  const issued = createStepUpToken(getDb(), user, { code: input.mfaCode }, now);
  revalidatePath('/profile');
  return { token: issued.token, name: issued.summary.name, expiresAt: issued.summary.expiresAt };
}, { success: () => 'MFA verified. Copy the step-up token now: it works for 10 minutes and is not shown again.' });

export const revokeTokenAction = action(z.object({ tokenId: z.string().min(1) }), (input, { user, now }) => {
  const t = revokeApiToken(getDb(), user, input.tokenId, now);
  revalidatePath('/profile');
  return t.name;
}, { success: (name) => `Token "${name}" revoked. Scripts using it now get 401.` });

/** Your own password; every other session of yours is signed out, this one stays. */
export const changeMyPassword = action(changePasswordSchema, async (input, { user, now }) => {
  await reissueSession(await changePassword(user, input, now));
}, { success: () => 'Password changed. Your other sessions were signed out.' });
