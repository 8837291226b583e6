'use client';

import { useEffect, useId, useRef } from 'react';

/**
 * A native <dialog> opened with showModal(): the browser traps focus inside it, closes it
 * on Escape and returns focus to what opened it.
 */
export function Modal({ open, onClose, title, description, children, wide = false }: {
  open: boolean; onClose: () => void; title: string; description?: React.ReactNode; children: React.ReactNode; wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      aria-labelledby={`${id}-title`}
      className={`m-auto w-[calc(100%-1rem)] ${wide ? 'max-w-4xl' : 'max-w-lg'} rounded-lg border border-[var(--border)] bg-[var(--surface)] p-0 text-[var(--text)] shadow-xl backdrop:bg-slate-950/50`}
    >
      {open && (
        <div className="max-h-[90vh] overflow-y-auto p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <div>
              <h2 id={`${id}-title`} className="text-lg font-semibold">{title}</h2>
              {description && <div className="mt-1 text-sm text-[var(--muted)]">{description}</div>}
            </div>
            <button type="button" onClick={onClose} aria-label="Close" className="rounded p-1 text-xl leading-none hover:bg-slate-100 dark:hover:bg-slate-800">
              <span aria-hidden="true">×</span>
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}
