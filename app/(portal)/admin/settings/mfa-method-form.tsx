'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { ActionMessage } from '@/components/ui/notice';
import { FieldErrors } from '@/components/ui/field';
import { saveMfaMethod } from './actions';

const CHOICES = [
  { value: 'totp', label: 'Authenticator app (TOTP)', hint: 'A 6-digit code from the authenticator app each person enrolled in Elevate.' },
  {
    value: 'idp',
    label: 'Identity provider',
    hint: 'Elevate sends the person to sign in again at the provider, which must report MFA (amr or acr). Codes are refused.',
  },
  { value: 'either', label: 'Either', hint: 'A code, or a fresh sign-in with MFA at the provider.' },
] as const;

export function MfaMethodForm({ current, providerName }: { current: 'totp' | 'idp' | 'either'; providerName: string | null }) {
  const [state, formAction, pending] = useActionState(saveMfaMethod, null);
  const errors = state && !state.ok ? state.fieldErrors?.mfaMethod : undefined;
  return (
    <form action={formAction} className="space-y-3">
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">How activation and approval MFA is satisfied</legend>
        {CHOICES.map((c) => {
          const unavailable = c.value !== 'totp' && !providerName;
          return (
            <label key={c.value} className={`flex items-start gap-2 text-sm ${unavailable ? 'opacity-60' : ''}`}>
              <input
                type="radio"
                name="mfaMethod"
                value={c.value}
                defaultChecked={current === c.value}
                disabled={unavailable}
                className="mt-1"
              />
              <span>
                <span className="font-medium">{c.value === 'idp' && providerName ? `Identity provider (${providerName})` : c.label}</span>
                <span className="block text-[var(--muted)]">
                  {unavailable ? 'Configure an identity provider (ELEVATE_OIDC_ISSUER) first.' : c.hint}
                </span>
              </span>
            </label>
          );
        })}
        <FieldErrors errors={errors} />
      </fieldset>
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : 'Save MFA method'}
      </Button>
      <ActionMessage state={state} />
    </form>
  );
}
