'use client';

import { useActionState, useEffect, useId } from 'react';
import { useRouter } from 'next/navigation';
import { decideRequests } from '@/app/(portal)/approvals/actions';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors, RequiredMark, inputClass } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import { DemoAuthenticator } from '@/components/activation/demo-authenticator';
import { useRefreshApprovals } from './use-approvals';
import { IdpStepUpButton, useMfaOptions } from '@/components/mfa/idp-step-up';

/**
 * Approve or deny one request from its detail page; the result (or "already approved by …")
 * is announced. When approving needs MFA (rule 11) and this session has no fresh MFA moment,
 * it asks for a code; denying never needs one.
 */
export function DecideForm({
  requestId,
  justificationRequired,
  mfaToApprove = false,
  mfaFresh = false,
}: {
  requestId: string;
  justificationRequired: boolean;
  /** the request's settings require MFA to approve */
  mfaToApprove?: boolean;
  /** this session proved MFA recently enough that no code is asked */
  mfaFresh?: boolean;
}) {
  const [state, formAction, busy] = useActionState(decideRequests, null);
  const router = useRouter();
  const refresh = useRefreshApprovals();
  const id = useId();
  useEffect(() => {
    if (state?.ok || state?.code === 'AlreadyDecided') {
      void refresh();
      router.refresh();
    }
  }, [state, router, refresh]);
  const errors = state && !state.ok ? state.fieldErrors?.justification : undefined;
  const codeErrors = state && !state.ok ? state.fieldErrors?.mfaCode : undefined;
  const askCode = mfaToApprove && (!mfaFresh || !!codeErrors);
  // the tenant's MFA method (ADR 101): a code, the identity provider, or either
  const mfaOptions = useMfaOptions();
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="requestId" value={requestId} />
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm font-medium">
          Justification{justificationRequired ? <RequiredMark /> : ' (optional)'}
        </label>
        <textarea
          id={id}
          name="justification"
          rows={3}
          maxLength={1000}
          required={justificationRequired}
          defaultValue={state && !state.ok ? (state.values?.justification as string | undefined) : undefined}
          aria-invalid={errors ? true : undefined}
          aria-describedby={errors ? `${id}-error` : `${id}-hint`}
          className={inputClass}
        />
        <p id={`${id}-hint`} className="text-xs text-[var(--muted)]">
          The requester reads it with your decision{justificationRequired ? '; the settings of this role require it' : ''}.
        </p>
        <FieldErrors id={`${id}-error`} errors={errors} />
      </div>
      {askCode && mfaOptions?.idp && <IdpStepUpButton options={mfaOptions} intent="to approve" />}
      {askCode && (mfaOptions?.totp ?? true) && (
        <div className="space-y-3">
          <Field
            label="MFA code"
            name="mfaCode"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            pattern="\d{6}"
            errors={codeErrors}
            hint="To approve: the 6-digit code from your authenticator app (the settings of this role require MFA to approve). Not needed to deny."
          />
          <DemoAuthenticator />
        </div>
      )}
      {mfaToApprove && !askCode && (
        <p className="text-sm text-[var(--muted)]">MFA: verified in this session a moment ago, no code needed to approve.</p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="decision" value="Approve" disabled={busy}>
          Approve
        </Button>
        <Button type="submit" name="decision" value="Deny" variant="danger" disabled={busy}>
          Deny
        </Button>
      </div>
      <ActionMessage state={state && !errors && !codeErrors ? state : null} />
    </form>
  );
}
