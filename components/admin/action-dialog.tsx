'use client';

import { useFormAction } from './use-form-action';
import { useEffect, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { ActionState } from '@/lib/auth/action';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { Dialog } from '@/components/ui/dialog';

type Errors = Record<string, string[] | undefined> | undefined;

/**
 * A button that opens the portal's Dialog (centred, focus kept inside, Escape closes, focus
 * returns to the button) holding a form bound to a server action. Used for everything
 * that takes something away or changes a window, so each change is confirmed and says
 * what it will do before the click.
 */
export function ActionDialog<T>({
  action,
  title,
  buttonLabel,
  submitLabel,
  variant = 'secondary',
  submitVariant = 'primary',
  hidden,
  children,
  onSuccess,
  successContent,
}: {
  action: (s: ActionState<T>, f: FormData) => Promise<ActionState<T>>;
  title: string;
  buttonLabel: string;
  submitLabel: string;
  variant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  submitVariant?: 'primary' | 'danger';
  hidden: Record<string, string>;
  children?: (errors: Errors, values: Record<string, unknown> | undefined) => React.ReactNode;
  onSuccess?: 'close' | 'stay';
  /** rendered instead of the form after success (e.g. a password shown once) */
  successContent?: (data: T | undefined) => React.ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [state, onSubmit, pending, clear] = useFormAction(action);
  const [announce, setAnnounce] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  // the answer already dealt with (or already on screen when the dialog was opened again)
  const [handled, setHandled] = useState<ActionState<T>>(null);
  const router = useRouter();

  // a new success is announced and closes the dialog: adjusted while rendering, once per answer
  if (state?.ok && handled !== state) {
    setHandled(state);
    setAnnounce(state.message);
    if (!successContent && onSuccess !== 'stay') setOpen(false);
  }
  useEffect(() => {
    if (state?.ok) router.refresh();
  }, [state, router]);

  const show = () => {
    setHandled(state);
    setFormKey((k) => k + 1);
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    // a password shown once leaves memory (and the screen) with the dialog
    if (successContent && state?.ok) clear();
  };
  const fresh = state && state !== handled;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  const showSuccess = successContent && state?.ok && handled === state;

  return (
    <>
      <Button variant={variant} onClick={show} className="px-2 py-1 text-xs">
        {buttonLabel}
      </Button>
      <span aria-live="polite" className="sr-only">
        {announce}
      </span>
      <Dialog open={open} onClose={close} title={title}>
        {showSuccess ? (
          <div className="space-y-4">
            <Notice tone="success">{state.message}</Notice>
            {successContent(state.data)}
            <div className="flex justify-end">
              <Button onClick={close}>Done</Button>
            </div>
          </div>
        ) : (
          <form key={formKey} onSubmit={onSubmit} className="space-y-4">
            {Object.entries(hidden).map(([k, v]) => (
              <input key={k} type="hidden" name={k} value={v} />
            ))}
            {fresh && !state.ok && <Notice tone="error">{state.message}</Notice>}
            {children?.(fresh ? errors : undefined, fresh ? values : undefined)}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" variant={submitVariant} disabled={pending}>
                {pending ? 'Working…' : submitLabel}
              </Button>
            </div>
          </form>
        )}
      </Dialog>
    </>
  );
}
