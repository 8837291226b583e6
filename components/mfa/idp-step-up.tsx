'use client';

import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { signIn } from 'next-auth/react';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { IDP_STEP_UP_REFUSALS, idpStepUpMessage, type IdpStepUpRefusal } from '@/lib/policy/idp-mfa';

export interface MfaOptions {
  method: 'totp' | 'idp' | 'either';
  /** an authenticator code counts here */
  totp: boolean;
  /** "Verify with <provider>" is offered: the tenant accepts the provider's MFA and this account is linked to it */
  idp: boolean;
  providerName: string | null;
}

/** How this person may pass an MFA step (GET /api/sso/step-up); undefined while loading, when a code is assumed as before. */
export function useMfaOptions(): MfaOptions | undefined {
  return useQuery({
    queryKey: ['mfa-options'],
    queryFn: async () => {
      const res = await fetch('/api/sso/step-up', { cache: 'no-store' });
      if (!res.ok) throw new Error('mfa options');
      return (await res.json()) as MfaOptions;
    },
    staleTime: 60_000,
  }).data;
}

/** The outcome of a step-up the provider just answered, from this page's `idp-mfa` parameter (a code, never text). */
function returnedOutcome(): 'verified' | IdpStepUpRefusal | null {
  if (typeof window === 'undefined') return null;
  const v = new URLSearchParams(window.location.search).get('idp-mfa');
  if (v === 'verified') return v;
  return (IDP_STEP_UP_REFUSALS as readonly string[]).includes(v ?? '') ? (v as IdpStepUpRefusal) : null;
}

/**
 * "Verify with <provider>" (ADR 101): records the step-up on the server, then sends the
 * person to the provider with prompt=login and max_age=0. The provider sends them back to
 * this page; the session's MFA time counts from then on, so the form asks for no code.
 * `returnTo` defaults to this page.
 */
export function IdpStepUpButton({
  options,
  returnTo,
  intent = 'to continue',
}: {
  options: MfaOptions;
  returnTo?: string;
  intent?: string;
}) {
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [outcome] = useState(returnedOutcome);
  const name = options.providerName ?? 'your identity provider';

  async function start() {
    setPending(true);
    setProblem(null);
    const here = new URL(window.location.href);
    here.searchParams.delete('idp-mfa');
    const res = await fetch('/api/sso/step-up', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ returnTo: returnTo ?? `${here.pathname}${here.search}` }),
    }).catch(() => null);
    const body = (await res?.json().catch(() => null)) as {
      callbackUrl?: string;
      params?: Record<string, string>;
      error?: { message: string };
    } | null;
    if (!res?.ok || !body?.callbackUrl) {
      setPending(false);
      setProblem(body?.error?.message ?? 'Could not start the verification. Try again.');
      return;
    }
    await signIn('oidc', { callbackUrl: body.callbackUrl }, body.params);
  }

  return (
    <div className="space-y-2">
      <div aria-live="polite">
        {outcome && outcome !== 'verified' && (
          <Notice tone="error" title="MFA not verified">
            {idpStepUpMessage(outcome, name)}
          </Notice>
        )}
        {problem && <Notice tone="error">{problem}</Notice>}
      </div>
      <Button type="button" variant="secondary" onClick={start} disabled={pending}>
        {pending ? `Opening ${name}…` : `Verify with ${name}`}
      </Button>
      <p className="text-sm text-[var(--muted)]">
        {name} asks you to sign in again with your second factor {intent}; you come back here.
      </p>
    </div>
  );
}
