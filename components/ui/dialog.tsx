'use client';

import { useEffect, useId, useRef } from 'react';

const SIZES = { md: 'max-w-lg', lg: 'max-w-xl', wide: 'max-w-4xl' } as const;
const FRAME =
  'm-auto w-[calc(100%-1rem)] rounded-lg border border-[var(--border)] bg-[var(--surface)] p-0 text-[var(--text)] shadow-xl backdrop:bg-slate-950/50';

/**
 * The one dialog of the portal: a native <dialog> opened with showModal(), so the browser
 * centres it (m-auto: Tailwind's reset removes the UA margin that does this), makes the
 * page behind it inert (focus stays inside), and closes it on Escape. Its title labels it,
 * and on closing focus goes back to what opened it (done here too, because the opener may
 * have re-rendered while the dialog was open).
 */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  size = 'md',
}: {
  open: boolean;
  /** called however it closes: Escape, the × button, or the parent setting open = false */
  onClose: () => void;
  title: React.ReactNode;
  description?: React.ReactNode;
  children: React.ReactNode;
  size?: keyof typeof SIZES;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const id = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      d.showModal();
    } else if (!open && d.open) d.close();
  }, [open]);
  const closed = () => {
    onClose();
    const back = opener.current;
    opener.current = null;
    // the browser restores focus itself unless the opener was replaced while the dialog was open
    if (back?.isConnected && document.activeElement !== back) back.focus();
  };
  return (
    <dialog
      ref={ref}
      onClose={closed}
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-desc` : undefined}
      className={`${FRAME} ${SIZES[size]}`}
    >
      {open && (
        <div className="max-h-[90vh] overflow-y-auto p-5">
          <div className="mb-4 flex items-start justify-between gap-4">
            <div>
              <h2 id={`${id}-title`} className="text-lg font-semibold">
                {title}
              </h2>
              {description && (
                <div id={`${id}-desc`} className="mt-1 text-sm text-[var(--muted)]">
                  {description}
                </div>
              )}
            </div>
            <button
              type="button"
              onClick={() => ref.current?.close()}
              aria-label="Close"
              className="rounded p-1 text-xl leading-none hover:bg-slate-100 dark:hover:bg-slate-800"
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
          {children}
        </div>
      )}
    </dialog>
  );
}
