'use client';

import { useActionState, useEffect, useId, useRef } from 'react';
import { Dialog } from '@/components/ui/dialog';
import { decideRequests } from '@/app/(portal)/approvals/actions';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors, RequiredMark, inputClass } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { DemoAuthenticator } from '@/components/activation/demo-authenticator';
import type { ActionState } from '@/lib/auth/action';
import type { QueueRow } from './rows';
import { IdpStepUpButton, useMfaOptions } from '@/components/mfa/idp-step-up';

export interface PendingDecision {
  decision: 'Approve' | 'Deny';
  items: QueueRow[];
}

/** What a successful decision answers: the summary, and this session's MFA moment after it. */
export interface DecideDone {
  message: string;
  mfaVerifiedAt: number | null;
}

/**
 * Confirms one or several decisions with the approver's justification, and, when an
 * approval's settings require MFA to approve and this session has no fresh MFA moment, one
 * code from the authenticator app for the whole batch (rule 11). The portal's Dialog: centred,
 * focus kept inside, Escape closes, focus returns to the button that opened it.
 */
export function DecideDialog({
  pending,
  mfaFresh,
  onClose,
  onDone,
}: {
  pending: PendingDecision | null;
  /** this session proved MFA recently enough that no code is asked */
  mfaFresh: boolean;
  onClose: () => void;
  onDone: (done: DecideDone) => void;
}) {
  const whyId = useId();
  const [state, formAction, busy] = useActionState(decideRequests, null);
  const handled = useRef<ActionState<unknown>>(null);

  useEffect(() => {
    if (state && state !== handled.current && state.ok) {
      handled.current = state;
      const data = state.data as { mfaVerifiedAt?: number | null } | undefined;
      onDone({ message: state.message, mfaVerifiedAt: data?.mfaVerifiedAt ?? null });
    }
  }, [state, onDone]);

  const n = pending?.items.length ?? 0;
  const approve = pending?.decision === 'Approve';
  const needsWhy = pending?.items.some((i) => i.justificationRequired) ?? false;
  const verb = approve ? 'Approve' : 'Deny';
  // only successes are marked handled, so a refusal on screen is always the latest answer
  const errors = state && !state.ok ? state : null;
  const mfaCount = approve ? (pending?.items.filter((i) => i.mfaToApprove).length ?? 0) : 0;
  const needsMfa = mfaCount > 0;
  const askCode = needsMfa && (!mfaFresh || !!errors?.fieldErrors?.mfaCode);
  // the tenant's MFA method (ADR 101): a code, the identity provider, or either
  const mfaOptions = useMfaOptions();

  return (
    <Dialog open={pending !== null} onClose={onClose} size="lg" title={`${verb} ${n === 1 ? 'this request' : `${n} requests`}?`}>
      {pending && (
        <form action={formAction} className="space-y-4">
          <ul className="max-h-48 space-y-1 overflow-auto text-sm">
            {pending.items.map((i) => (
              <li key={i.id}>
                <input type="hidden" name="requestId" value={i.id} />
                <span className="font-medium">{i.requester.name}</span>: {i.role.name} on {i.scope.path}
              </li>
            ))}
          </ul>
          <p className="text-sm text-[var(--muted)]">
            {approve
              ? 'Each approved role is active at once (or at its requested start, if later) for the requested duration.'
              : 'The requester is told that you denied the request, with your justification.'}
          </p>
          <input type="hidden" name="decision" value={pending.decision} />
          <div className="space-y-1">
            <label htmlFor={whyId} className="block text-sm font-medium">
              Justification{needsWhy ? <RequiredMark /> : ' (optional)'}
            </label>
            <textarea
              id={whyId}
              name="justification"
              rows={3}
              required={needsWhy}
              maxLength={1000}
              defaultValue={errors?.values?.justification as string | undefined}
              aria-invalid={errors?.fieldErrors?.justification ? true : undefined}
              aria-describedby={errors?.fieldErrors?.justification ? `${whyId}-error` : undefined}
              className={inputClass}
            />
            <FieldErrors id={`${whyId}-error`} errors={errors?.fieldErrors?.justification} />
          </div>
          {askCode && mfaOptions?.idp && <IdpStepUpButton options={mfaOptions} intent="to approve" />}
          {askCode && (mfaOptions?.totp ?? true) && (
            <div className="grid gap-4 sm:grid-cols-2">
              <Field
                label="MFA code"
                name="mfaCode"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={6}
                pattern="\d{6}"
                required
                errors={errors?.fieldErrors?.mfaCode}
                hint={
                  'The 6-digit code from your authenticator app: ' +
                  `approving ${n === 1 ? 'this request' : mfaCount === n ? 'these requests' : `${mfaCount} of these requests`} requires MFA. ` +
                  `One code covers ${n === 1 ? 'this decision' : 'all of them'}.`
                }
              />
              <DemoAuthenticator />
            </div>
          )}
          {needsMfa && !askCode && (
            <p className="text-sm text-[var(--muted)]">MFA: verified in this session a moment ago, no code needed.</p>
          )}
          <div aria-live="polite">{errors && !errors.fieldErrors && <Notice tone="error">{errors.message}</Notice>}</div>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" variant={approve ? 'primary' : 'danger'} disabled={busy}>
              {busy ? 'Saving…' : `${verb}${n === 1 ? '' : ` ${n} requests`}`}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
