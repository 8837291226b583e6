'use client';

import { useActionState, useId, useState } from 'react';
import { cancelPendingRequest } from '@/app/(portal)/admin/pending/actions';
import { Button } from '@/components/ui/button';
import { FieldErrors, RequiredMark, inputClass } from '@/components/ui/field';
import { Dialog } from '@/components/ui/dialog';
import { Notice } from '@/components/ui/notice';
import { useHydrated } from '@/components/admin/hydrated';

/**
 * Taking a request away is deliberate: a confirmation dialog that names what is
 * canceled and for whom, and asks why (the requester reads it). The dialog mounts after
 * hydration: a page of rows sends one button each.
 */
export function CancelRequestButton(props: { requestId: string; what: string; onDone: (message: string) => void }) {
  const hydrated = useHydrated();
  if (!hydrated) {
    return (
      <Button variant="secondary" className="px-2 py-1" disabled aria-label={`Cancel ${props.what}`}>
        Cancel request
      </Button>
    );
  }
  return <CancelRequestDialog {...props} />;
}

function CancelRequestDialog({ requestId, what, onDone }: { requestId: string; what: string; onDone: (message: string) => void }) {
  const [open, setOpen] = useState(false);
  // report success from the action itself: the canceled item leaves the list in the same render
  const [state, formAction, busy] = useActionState(
    async (prev: Awaited<ReturnType<typeof cancelPendingRequest>> | null, form: FormData) => {
      const result = await cancelPendingRequest(prev ?? undefined, form);
      if (result?.ok) {
        setOpen(false);
        onDone(result.message);
      }
      return result;
    },
    null,
  );
  const id = useId();
  const errors = state && !state.ok ? state.fieldErrors?.justification : undefined;
  return (
    <>
      <Button variant="secondary" className="px-2 py-1" onClick={() => setOpen(true)} aria-label={`Cancel ${what}`}>
        Cancel request
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Cancel this request?">
        <form action={formAction} className="space-y-4">
          <p className="text-sm">{what}. It leaves every approver&apos;s queue and cannot be decided any more.</p>
          <input type="hidden" name="requestId" value={requestId} />
          <div className="space-y-1">
            <label htmlFor={id} className="block text-sm font-medium">
              Justification
              <RequiredMark />
            </label>
            <textarea
              id={id}
              name="justification"
              rows={3}
              required
              maxLength={1000}
              className={inputClass}
              // React resets a form after its action runs: on a refusal, put back what was typed
              defaultValue={state && !state.ok && typeof state.values?.justification === 'string' ? state.values.justification : undefined}
              aria-invalid={errors ? true : undefined}
              aria-describedby={errors ? `${id}-error` : undefined}
            />
            <FieldErrors id={`${id}-error`} errors={errors} />
          </div>
          <div aria-live="polite">{state && !state.ok && !errors ? <Notice tone="error">{state.message}</Notice> : null}</div>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Keep it
            </Button>
            <Button type="submit" variant="danger" disabled={busy}>
              {busy ? 'Canceling…' : 'Cancel request'}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
