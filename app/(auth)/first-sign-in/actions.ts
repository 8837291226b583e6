'use server';

import { action } from '@/lib/auth/action';
import { changePassword, changePasswordSchema, completeEnrolment, enrolSchema } from '@/lib/auth/enrolment';
import { getSession, reissueSession } from '@/lib/auth/session';

export const changeInitialPassword = action(
  changePasswordSchema,
  async (input, { user, now }) => reissueSession(await changePassword(user, input, now)),
  {
    allowIncompleteSignIn: true,
    success: () => 'Password changed.',
  },
);

// the enrolment's code is this session's MFA moment (issue 15)
const enrolHere = async (input: Parameters<typeof completeEnrolment>[1], user: Parameters<typeof completeEnrolment>[0], now: number) =>
  completeEnrolment(user, input, now, undefined, (await getSession())?.sessionId ?? null);

export const enrolAuthenticator = action(enrolSchema, (input, { user, now }) => enrolHere(input, user, now), {
  allowIncompleteSignIn: true,
  success: () => 'Authenticator app set up.',
});
