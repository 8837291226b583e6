'use client';

import { useActionState, useEffect } from 'react';
import { signIn } from 'next-auth/react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { linkAccount } from './actions';

export function LinkForm({ token, email }: { token: string; email: string }) {
  const [state, formAction, pending] = useActionState(linkAccount, null);
  // linked: the provider's sign-in now finds this account by its subject
  useEffect(() => {
    if (state?.ok) void signIn('oidc', { callbackUrl: '/' });
  }, [state]);
  return (
    <form action={formAction} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="email" value={email} autoComplete="username" />
      <Field
        label="Password of your Elevate account"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        errors={state?.ok ? undefined : state?.fieldErrors?.password}
      />
      <Button type="submit" className="w-full" disabled={pending || !!state?.ok}>
        {pending ? 'Checking…' : 'Link and sign in'}
      </Button>
      <ActionMessage state={state} />
    </form>
  );
}
