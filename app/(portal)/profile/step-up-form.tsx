'use client';

import { useActionState } from 'react';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { createStepUpTokenAction } from './actions';
import { IssuedToken } from './issued-token';

export function StepUpForm() {
  const [state, formAction, pending] = useActionState(createStepUpTokenAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="space-y-4">
      <Field
        label="Code from your authenticator app"
        name="mfaCode"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9]{6}"
        maxLength={6}
        errors={errors?.mfaCode}
        hint="6 digits. Each code works once."
        required
      />
      <Button type="submit" disabled={pending}>
        {pending ? 'Verifying…' : 'Verify and create step-up token'}
      </Button>
      <ActionMessage state={state} />
      {state?.ok && state.data && <IssuedToken token={state.data.token} expiresAt={state.data.expiresAt} />}
    </form>
  );
}
