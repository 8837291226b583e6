import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { config } from '@/lib/config';
import { findLinkRequest } from '@/lib/auth/oidc/sign-in';
import { Card } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { LinkForm } from './link-form';

export const metadata: Metadata = { title: 'Link your account' };
export const dynamic = 'force-dynamic';

/**
 * A first single sign-on whose e-mail is an existing Elevate account's (ADR 100): the account
 * is never taken over by e-mail alone. The person proves its password once, or asks an administrator.
 */
export default async function LinkAccountPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token = '' } = await searchParams;
  const found = findLinkRequest(getDb(), token, Date.now());
  const provider = config().oidc?.name ?? 'single sign-on';
  return (
    <Card>
      <h1 className="mb-4 text-xl font-semibold">Link your account</h1>
      {found ? (
        <div className="space-y-4">
          <p className="text-sm">
            {provider} signed you in as <strong>{found.user.email}</strong>, and Elevate already has an account with that address. To use{' '}
            {provider} for it from now on, enter that account&apos;s password once. If it is not yours, stop here and tell an administrator.
          </p>
          <LinkForm token={token} email={found.user.email} />
        </div>
      ) : (
        <Notice tone="error" title="This link request has expired">
          Sign in with {provider} again, or ask an administrator to link your account.{' '}
          <Link className="underline" href="/sign-in">
            Back to sign-in
          </Link>
        </Notice>
      )}
    </Card>
  );
}
