import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/auth/session';
import { offerEnrolment } from '@/lib/auth/enrolment';
import { Card } from '@/components/ui/card';
import { EnrolMfaForm } from '@/components/mfa/enrol-mfa-form';
import { ChangePasswordForm } from '@/components/auth/change-password-form';
import { changeInitialPassword, enrolAuthenticator } from './actions';

export const metadata: Metadata = { title: 'First sign-in' };
export const dynamic = 'force-dynamic';

/** Accounts created by an administrator: choose a password, then set up an authenticator. */
export default async function FirstSignInPage() {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  if (!user.mustChangePassword && !user.mustEnrolMfa) redirect('/');
  const step = user.mustChangePassword ? 1 : 2;
  return (
    <Card>
      <h1 className="text-xl font-semibold">Welcome, {user.displayName}</h1>
      <p className="mb-4 mt-1 text-sm text-[var(--muted)]">
        Step {step} of {user.mustEnrolMfa ? 2 : 1}: {step === 1 ? 'choose your own password.' : 'set up multi-factor authentication.'}
      </p>
      {step === 1 ? (
        <ChangePasswordForm action={changeInitialPassword} currentLabel="Current (initial) password" />
      ) : (
        <EnrolMfaForm offer={await offerEnrolment(user)} action={enrolAuthenticator} doneHref="/" />
      )}
    </Card>
  );
}
