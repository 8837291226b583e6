'use client';

import { useState } from 'react';
import { signIn } from 'next-auth/react';
import { Button } from '@/components/ui/button';

/** "Sign in with <provider>" (ADR 100): next-auth's authorization code flow with PKCE, state and nonce. */
export function SsoButton({ name, returnTo, primary = false }: { name: string; returnTo: string; primary?: boolean }) {
  const [pending, setPending] = useState(false);
  return (
    <Button
      type="button"
      variant={primary ? 'primary' : 'secondary'}
      className="w-full"
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signIn('oidc', { callbackUrl: returnTo });
      }}
    >
      {pending ? `Opening ${name}…` : `Sign in with ${name}`}
    </Button>
  );
}
