'use client';

import { useFormAction } from './use-form-action';
import { useEffect, useId, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import type { ActionState } from '@/lib/auth/action';
import { Button } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';

type Errors = Record<string, string[] | undefined> | undefined;

/**
 * A button that opens a native <dialog> (showModal: traps focus, Escape closes, focus
 * returns to the button) holding a form bound to a server action. Used for everything
 * that takes something away or changes a window, so each change is confirmed and says
 * what it will do before the click.
 */
export function ActionDialog<T>({
  action, title, buttonLabel, submitLabel, variant = 'secondary', submitVariant = 'primary', hidden, children, onSuccess, successContent,
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
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [state, onSubmit, pending, clear] = useFormAction(action);
  const [announce, setAnnounce] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const handled = useRef<ActionState<T>>(null);
  const router = useRouter();

  useEffect(() => {
    if (!state?.ok || handled.current === state) return;
    handled.current = state;
    setAnnounce(state.message);
    router.refresh();
    if (!successContent && onSuccess !== 'stay') ref.current?.close();
  }, [state, router, successContent, onSuccess]);

  const open = () => {
    handled.current = state;
    setFormKey((k) => k + 1);
    ref.current?.showModal();
  };
  const fresh = state && state !== handled.current;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  const showSuccess = successContent && state?.ok && handled.current === state && ref.current?.open;

  return (
    <>
      <Button variant={variant} onClick={open} className="px-2 py-1 text-xs">
        {buttonLabel}
      </Button>
      <span aria-live="polite" className="sr-only">{announce}</span>
      <dialog ref={ref} aria-labelledby={titleId} onClose={() => { if (successContent && state?.ok) clear(); }} className="w-[min(34rem,calc(100vw-2rem))] rounded-lg border border-[var(--border)] bg-[var(--surface)] p-0 text-[var(--text)] shadow-xl backdrop:bg-black/50">
        <div className="space-y-4 p-5">
          <h2 id={titleId} className="text-lg font-semibold">{title}</h2>
          {showSuccess ? (
            <>
              <Notice tone="success">{state.message}</Notice>
              {successContent(state.data)}
              <div className="flex justify-end"><Button onClick={() => ref.current?.close()}>Done</Button></div>
            </>
          ) : (
            <form key={formKey} onSubmit={onSubmit} className="space-y-4">
              {Object.entries(hidden).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
              {fresh && !state.ok && <Notice tone="error">{state.message}</Notice>}
              {children?.(fresh ? errors : undefined, fresh ? values : undefined)}
              <div className="flex justify-end gap-2">
                <Button variant="secondary" onClick={() => ref.current?.close()}>Cancel</Button>
                <Button type="submit" variant={submitVariant} disabled={pending}>{pending ? 'Working…' : submitLabel}</Button>
              </div>
            </form>
          )}
        </div>
      </dialog>
    </>
  );
}
