'use client';

import { useActionState, useEffect, useId } from 'react';
import { useRouter } from 'next/navigation';
import { decideRequests } from '@/app/(portal)/approvals/actions';
import { Button } from '@/components/ui/button';
import { FieldErrors, inputClass } from '@/components/ui/field';
import { ActionMessage } from '@/components/ui/notice';
import type { ActionState } from '@/lib/auth/action';
import { useRefreshApprovals } from './use-approvals';

/** Approve or deny one request from its detail page; the result (or "already approved by …") is announced. */
export function DecideForm({ requestId, justificationRequired }: { requestId: string; justificationRequired: boolean }) {
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
  return (
    <form action={formAction} className="space-y-3">
      <input type="hidden" name="requestId" value={requestId} />
      <div className="space-y-1">
        <label htmlFor={id} className="block text-sm font-medium">
          Justification{justificationRequired ? '' : ' (optional)'}
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
      <div className="flex flex-wrap gap-2">
        <Button type="submit" name="decision" value="Approve" disabled={busy}>
          Approve
        </Button>
        <Button type="submit" name="decision" value="Deny" variant="danger" disabled={busy}>
          Deny
        </Button>
      </div>
      <ActionMessage state={state && !errors ? state : null} />
    </form>
  );
}
