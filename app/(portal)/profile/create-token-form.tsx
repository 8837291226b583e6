'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, inputClass, FieldErrors } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { createTokenAction } from './actions';
import { IssuedToken } from './issued-token';
import { IdpStepUpButton, useMfaOptions } from '@/components/mfa/idp-step-up';

const LIFETIMES = [
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 180, label: '180 days' },
  { days: 365, label: '1 year (the maximum)' },
];

export function CreateTokenForm() {
  const [state, formAction, pending] = useActionState(createTokenAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  // the tenant's MFA method (ADR 101): a code, or a fresh verification with the identity provider
  const mfaOptions = useMfaOptions();
  return (
    <form action={formAction} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[1fr_auto] sm:items-start">
        <Field
          label="Token name"
          name="name"
          placeholder="e.g. release pipeline"
          defaultValue={String(values?.name ?? '')}
          errors={errors?.name}
          hint="Say where it is used, so you know what breaks when you revoke it."
          required
          maxLength={80}
        />
        <div className="space-y-1">
          <label htmlFor="token-expiry" className="block text-sm font-medium">
            Expires after
          </label>
          <select
            id="token-expiry"
            name="expiresInDays"
            defaultValue={String(values?.expiresInDays ?? 30)}
            className={inputClass}
            aria-invalid={errors?.expiresInDays ? true : undefined}
          >
            {LIFETIMES.map((l) => (
              <option key={l.days} value={l.days}>
                {l.label}
              </option>
            ))}
          </select>
          <FieldErrors errors={errors?.expiresInDays} />
        </div>
      </div>
      {mfaOptions?.idp && <IdpStepUpButton options={mfaOptions} intent="before creating a token (it counts for 5 minutes)" />}
      {(mfaOptions?.totp ?? true) && (
        <div className="max-w-xs">
          <Field
            label="Authenticator code"
            name="mfaCode"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]{6}"
            maxLength={6}
            required={!mfaOptions?.idp}
            errors={errors?.mfaCode}
            hint="A current 6-digit code: a token acts as you for up to a year, so creating one asks for proof that it is you. Each code works once."
          />
        </div>
      )}
      {mfaOptions && !mfaOptions.totp && <FieldErrors errors={errors?.mfaCode} />}
      <Button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create token'}
      </Button>
      <ActionMessage state={state} />
      {state?.ok && state.data && <IssuedToken token={state.data.token} expiresAt={state.data.expiresAt} />}
    </form>
  );
}
