'use server';

import { action } from '@/lib/auth/action';
import { changePassword, changePasswordSchema, completeEnrolment, enrolSchema } from '@/lib/auth/enrolment';
import { reissueSession } from '@/lib/auth/session';

export const changeInitialPassword = action(changePasswordSchema, async (input, { user, now }) => reissueSession(await changePassword(user, input, now)), {
  allowIncompleteSignIn: true,
  success: () => 'Password changed.',
});

export const enrolAuthenticator = action(enrolSchema, (input, { user, now }) => completeEnrolment(user, input, now), {
  allowIncompleteSignIn: true,
  success: () => 'Authenticator app set up.',
});
