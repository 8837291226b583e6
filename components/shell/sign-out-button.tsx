'use client';

import { signOut } from 'next-auth/react';
import { Button } from '@/components/ui/button';

/**
 * Ends the Elevate session, then, for a session that came through single sign-on and a
 * provider that offers it, the provider's session too (RP-initiated logout, ADR 100).
 */
export function SignOutButton() {
  async function onClick() {
    const next = await fetch('/api/sso/end-session', { method: 'POST' })
      .then((r) => (r.ok ? (r.json() as Promise<{ url: string | null }>) : { url: null }))
      .catch(() => ({ url: null }));
    await signOut({ redirect: false });
    window.location.assign(next.url ?? '/sign-in');
  }
  return (
    <Button variant="secondary" onClick={onClick}>
      Sign out
    </Button>
  );
}
