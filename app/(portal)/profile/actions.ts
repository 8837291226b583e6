'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/lib/db';
import { action } from '@/lib/auth/action';
import { changePassword, changePasswordSchema } from '@/lib/auth/enrolment';
import { getSession, reissueSession } from '@/lib/auth/session';
import { endOtherSessions, endOwnSession, sessionLimits } from '@/lib/auth/sessions';
import { ElevateError } from '@/lib/errors';
import { MAX_TOKEN_DAYS } from '@/lib/tokens/format';
import { createApiToken, createStepUpToken, revokeApiToken } from '@/lib/tokens/tokens';

const createSchema = z.object({
  name: z.string().trim().min(1, 'Name the token so you can tell it apart later.').max(80, 'At most 80 characters.'),
  expiresInDays: z.coerce.number().int('Choose how long the token lives.').min(1).max(MAX_TOKEN_DAYS, `At most ${MAX_TOKEN_DAYS} days.`),
  // empty when the session verified with the identity provider a moment ago (ADR 101)
  mfaCode: z
    .string()
    .trim()
    .regex(/^(\d{6})?$/, 'Enter the 6-digit code from your authenticator app.')
    .optional(),
});

/**
 * The secret comes back once, in this action's result; only its hash is kept. A fresh TOTP
 * code is part of the form (ADR 092): a stolen session cookie alone cannot mint a token.
 */
export const createTokenAction = action(
  createSchema,
  async (input, { user, now }) => {
    const issued = createApiToken(getDb(), user, input, now, (await getSession())?.sessionId ?? null);
    revalidatePath('/profile');
    return { token: issued.token, name: issued.summary.name, expiresAt: issued.summary.expiresAt };
  },
  { success: (r) => `Token "${r.name}" created. Copy it now: it is not shown again.` },
);

const stepUpSchema = z.object({
  mfaCode: z
    .string()
    .trim()
    .regex(/^(\d{6})?$/, 'Enter the 6-digit code from your authenticator app.')
    .optional(),
});

export const createStepUpTokenAction = action(
  stepUpSchema,
  async (input, { user, now }) => {
    const issued = createStepUpToken(getDb(), user, { code: input.mfaCode }, now, (await getSession())?.sessionId ?? null);
    revalidatePath('/profile');
    return { token: issued.token, name: issued.summary.name, expiresAt: issued.summary.expiresAt };
  },
  { success: () => 'MFA verified. Copy the step-up token now: it works for 10 minutes and is not shown again.' },
);

export const revokeTokenAction = action(
  z.object({ tokenId: z.string().min(1) }),
  (input, { user, now }) => {
    const t = revokeApiToken(getDb(), user, input.tokenId, now);
    revalidatePath('/profile');
    return t.name;
  },
  { success: (name) => `Token "${name}" revoked. Scripts using it now get 401.` },
);

/** Profile › Sessions › "Sign out" on another of your sessions: that browser is signed out at its next request. */
export const endSessionAction = action(
  z.object({ sessionId: z.string().min(1).max(100) }),
  async (input, { user, now }) => {
    const r = endOwnSession(getDb(), user, input.sessionId, now, sessionLimits());
    revalidatePath('/profile');
    return r;
  },
  {
    success: (r) =>
      r.alreadyEnded
        ? `That session (${r.device}) had already ended.`
        : `Signed out ${r.device}. It goes to the sign-in page at its next click.`,
  },
);

/** "Sign out all other sessions": every session of yours but this one ends. */
export const endOtherSessionsAction = action(
  z.object({}),
  async (_input, { user, now }) => {
    const session = await getSession();
    if (!session) throw new ElevateError('Unauthenticated', 'Your session has ended. Sign in again.');
    const n = endOtherSessions(getDb(), user, session.sessionId, now, sessionLimits());
    revalidatePath('/profile');
    return n;
  },
  {
    success: (n) =>
      n === 0 ? 'You had no other sessions.' : `Signed out ${n} other session${n === 1 ? '' : 's'}. This one stays signed in.`,
  },
);

/** Your own password; every other session of yours is signed out, this one stays. */
export const changeMyPassword = action(
  changePasswordSchema,
  async (input, { user, now }) => {
    await reissueSession(await changePassword(user, input, now));
  },
  { success: () => 'Password changed. Your other sessions were signed out.' },
);
