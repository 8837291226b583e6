'use client';

import { useActionState, useEffect, useId, useRef } from 'react';
import { decideRequests } from '@/app/(portal)/approvals/actions';
import { Button } from '@/components/ui/button';
import { Field, FieldErrors, inputClass } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { DemoAuthenticator } from '@/components/activation/demo-authenticator';
import type { ActionState } from '@/lib/auth/action';
import type { QueueRow } from './rows';

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
 * code from the authenticator app for the whole batch (rule 11). A native <dialog> opened
 * with showModal(): it traps focus, closes on Escape and returns focus to the button that
 * opened it.
 */
export function DecideDialog({ pending, mfaFresh, onClose, onDone }: {
  pending: PendingDecision | null;
  /** this session proved MFA recently enough that no code is asked */
  mfaFresh: boolean;
  onClose: () => void;
  onDone: (done: DecideDone) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const whyId = useId();
  const [state, formAction, busy] = useActionState(decideRequests, null);
  const handled = useRef<ActionState<unknown>>(null);

  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (pending && !d.open) {
      opener.current = document.activeElement;
      d.showModal();
    } else if (!pending && d.open) d.close();
  }, [pending]);

  useEffect(() => {
    if (state && state !== handled.current && state.ok) {
      handled.current = state;
      const data = state.data as { mfaVerifiedAt?: number | null } | undefined;
      onDone({ message: state.message, mfaVerifiedAt: data?.mfaVerifiedAt ?? null });
    }
  }, [state, onDone]);

  const close = () => {
    onClose();
    (opener.current as HTMLElement | null)?.focus?.();
  };
  const n = pending?.items.length ?? 0;
  const approve = pending?.decision === 'Approve';
  const needsWhy = pending?.items.some((i) => i.justificationRequired) ?? false;
  const verb = approve ? 'Approve' : 'Deny';
  const errors = state && !state.ok && state !== handled.current ? state : null;
  const mfaCount = approve ? pending?.items.filter((i) => i.mfaToApprove).length ?? 0 : 0;
  const needsMfa = mfaCount > 0;
  const askCode = needsMfa && (!mfaFresh || !!errors?.fieldErrors?.mfaCode);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={close}
      className="w-[min(36rem,calc(100vw-2rem))] rounded-lg border border-[var(--border)] bg-[var(--surface)] p-0 text-[var(--text)] shadow-xl backdrop:bg-black/50"
    >
      {pending && (
        <form action={formAction} className="space-y-4 p-5">
          <h2 id={titleId} className="text-lg font-semibold">
            {verb} {n === 1 ? 'this request' : `${n} requests`}?
          </h2>
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
              Justification{needsWhy ? '' : ' (optional)'}
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
          {askCode && (
            <div className="grid gap-4 sm:grid-cols-2">
              <Field label="MFA code" name="mfaCode" inputMode="numeric" autoComplete="one-time-code" maxLength={6} pattern="\d{6}" required
                errors={errors?.fieldErrors?.mfaCode}
                hint={`The 6-digit code from your authenticator app: approving ${n === 1 ? 'this request' : mfaCount === n ? 'these requests' : `${mfaCount} of these requests`} requires MFA. One code covers ${n === 1 ? 'this decision' : 'all of them'}.`} />
              <DemoAuthenticator />
            </div>
          )}
          {needsMfa && !askCode && <p className="text-sm text-[var(--muted)]">MFA: verified in this session a moment ago, no code needed.</p>}
          <div aria-live="polite">{errors && !errors.fieldErrors && <Notice tone="error">{errors.message}</Notice>}</div>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" variant={approve ? 'primary' : 'danger'} disabled={busy}>
              {busy ? 'Saving…' : `${verb}${n === 1 ? '' : ` ${n} requests`}`}
            </Button>
          </div>
        </form>
      )}
    </dialog>
  );
}
