'use client';

import { useActionState, useState } from 'react';
import { cancelMyRequest } from '@/app/(portal)/requests/actions';
import { Button } from '@/components/ui/button';
import { ActionMessage } from '@/components/ui/notice';
import { Modal } from './modal';

/**
 * Cancel one's own pending request, after a confirmation that names what is withdrawn.
 * Stays mounted (trigger hidden) once the request is no longer pending, so the
 * confirmation can still show its result after the list refreshes.
 */
export function CancelRequestButton({ requestId, what, show = true }: { requestId: string; what: string; show?: boolean }) {
  const [open, setOpen] = useState(false);
  const [state, formAction, pending] = useActionState(cancelMyRequest, null);
  return (
    <>
      {show && (
        <Button variant="secondary" onClick={() => setOpen(true)} aria-label={`Cancel request for ${what}`}>
          Cancel request
        </Button>
      )}
      <Modal open={open} onClose={() => setOpen(false)} title="Cancel this request?">
        <form action={formAction} className="space-y-4">
          <ActionMessage state={state} />
          {!state?.ok && (
            <p className="text-sm">
              Your request for <span className="font-medium">{what}</span> is withdrawn and the approvers no longer see it.
            </p>
          )}
          <input type="hidden" name="requestId" value={requestId} />
          <div className="flex gap-2">
            {!state?.ok && (
              <Button type="submit" variant="danger" disabled={pending}>
                {pending ? 'Canceling…' : 'Cancel request'}
              </Button>
            )}
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {state?.ok ? 'Done' : 'Keep it'}
            </Button>
          </div>
        </form>
      </Modal>
    </>
  );
}
