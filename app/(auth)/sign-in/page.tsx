import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/auth/session';
import { demoUsersExist } from '@/lib/auth/demo';
import { Card } from '@/components/ui/card';
import { SignInForm } from './sign-in-form';
import { config } from '@/lib/config';
import { Notice } from '@/components/ui/notice';
import { SsoButton } from '@/components/auth/sso-button';
import { SSO_ERRORS } from '@/lib/auth/oidc/errors';
import { safeReturn } from './safe-return';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

/**
 * next-auth sends people here with `?error=<code>`; the text shown is ours, never the
 * query string's, so a crafted link cannot put its own words on the sign-in page.
 */
function signInError(code: string | undefined): string | undefined {
  if (!code) return undefined;
  if (code in SSO_ERRORS) return SSO_ERRORS[code as keyof typeof SSO_ERRORS];
  return code === 'CredentialsSignin' ? 'Wrong email or password.' : 'Sign-in did not work. Try again.';
}

type SignInParams = { callbackUrl?: string; error?: string; password?: string };

export default async function SignInPage({ searchParams }: { searchParams: Promise<SignInParams> }) {
  const params = await searchParams;
  const returnTo = safeReturn(params.callbackUrl);
  if (await getCurrentUser()) redirect(returnTo);
  const { oidc, passwordSignIn } = config();
  // ELEVATE_PASSWORD_SIGNIN=0: the password form is for break-glass accounts only, one link away (ADR 100)
  const showPassword = passwordSignIn || !oidc || params.password === '1';
  return (
    <Card>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      {oidc && (
        <div className="mb-4 space-y-2">
          <SsoButton name={oidc.name} returnTo={returnTo} primary={!passwordSignIn} />
          {showPassword && <p className="text-center text-xs text-[var(--muted)]">or with your e-mail and password</p>}
        </div>
      )}
      {!showPassword && signInError(params.error) && <Notice tone="error">{signInError(params.error)}</Notice>}
      {showPassword && <SignInForm returnTo={returnTo} initialError={signInError(params.error)} />}
      {!showPassword && (
        <p className="mt-4 text-center text-xs">
          <a className="underline" href={`/sign-in?password=1&callbackUrl=${encodeURIComponent(returnTo)}`}>
            Break-glass account sign-in
          </a>
        </p>
      )}
      {demoUsersExist() && (
        <div className="mt-6 rounded-md bg-amber-50 p-3 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          <p className="font-semibold">Demo tenant</p>
          <p>
            Sign in as <code>steve@bluewidget.test</code> (admin), <code>jen@bluewidget.test</code> (requester),{' '}
            <code>avery@bluewidget.test</code> (approver) or <code>sam@bluewidget.test</code>, password <code>elevate-demo</code>.
          </p>
        </div>
      )}
    </Card>
  );
}
