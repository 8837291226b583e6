import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/lib/auth/session';
import { demoUsersExist } from '@/lib/auth/demo';
import { Card } from '@/components/ui/card';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

/** Only same-site paths are honoured as a return address (no open redirect). */
function safeReturn(url: string | undefined) {
  return url && url.startsWith('/') && !url.startsWith('//') ? url : '/';
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; error?: string }> }) {
  const params = await searchParams;
  const returnTo = safeReturn(params.callbackUrl);
  if (await getCurrentUser()) redirect(returnTo);
  return (
    <Card>
      <h1 className="mb-4 text-xl font-semibold">Sign in</h1>
      <SignInForm returnTo={returnTo} initialError={params.error && params.error !== 'CredentialsSignin' ? params.error : undefined} />
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
