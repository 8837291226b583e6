'use client';

import { useActionState } from 'react';
import { IdpStepUpButton, useMfaOptions } from '@/components/mfa/idp-step-up';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { createStepUpTokenAction } from './actions';
import { IssuedToken } from './issued-token';

/**
 * A step-up token for scripts: proven by an authenticator code, or — where the tenant takes
 * MFA from the identity provider (ADR 101) — by a verification with the provider in this
 * session within the last 5 minutes, as for creating a token.
 */
export function StepUpForm() {
  const [state, formAction, pending] = useActionState(createStepUpTokenAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const mfaOptions = useMfaOptions();
  return (
    <form action={formAction} className="space-y-4">
      {mfaOptions?.idp && <IdpStepUpButton options={mfaOptions} intent="before creating a step-up token (it counts for 5 minutes)" />}
      {(mfaOptions?.totp ?? true) && (
        <Field
          label="Code from your authenticator app"
          name="mfaCode"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9]{6}"
          maxLength={6}
          errors={errors?.mfaCode}
          hint="6 digits. Each code works once."
          required={!mfaOptions?.idp}
        />
      )}
      {mfaOptions && !mfaOptions.totp && <FieldErrors errors={errors?.mfaCode} />}
      <Button type="submit" disabled={pending}>
        {pending ? 'Verifying…' : 'Verify and create step-up token'}
      </Button>
      <ActionMessage state={state} />
      {state?.ok && state.data && <IssuedToken token={state.data.token} expiresAt={state.data.expiresAt} />}
    </form>
  );
}
