import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/auth/session';
import { demoUsersExist } from '@/lib/auth/demo';
import { Card } from '@/components/ui/card';
import { SignInForm } from './sign-in-form';
import { safeReturn } from './safe-return';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

/**
 * next-auth sends people here with `?error=<code>`; the text shown is ours, never the
 * query string's, so a crafted link cannot put its own words on the sign-in page.
 */
function signInError(code: string | undefined): string | undefined {
  if (!code) return undefined;
  return code === 'CredentialsSignin' ? 'Wrong email or password.' : 'Sign-in did not work. Try again.';
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const params = await searchParams;
  const returnTo = safeReturn(params.callbackUrl);
  if (await getCurrentUser()) redirect(returnTo);
  return (
    <Card>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      <SignInForm returnTo={returnTo} initialError={signInError(params.error)} />
      {demoUsersExist() && (
        <div className="mt-6 rounded-md bg-amber-50 p-3 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          <p className="font-semibold">Demo tenant</p>
          <p>
            Sign in as <code>steve@bluewidget.test</code> (admin), <code>jen@bluewidget.test</code> (requester), <code>avery@bluewidget.test</code> (approver) or{' '}
            <code>sam@bluewidget.test</code>, password <code>elevate-demo</code>.
          </p>
        </div>
      )}
    </Card>
  );
}
