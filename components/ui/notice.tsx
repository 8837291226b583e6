type Tone = 'info' | 'success' | 'warning' | 'error';
const TONES: Record<Tone, string> = {
  info: 'border-sky-300 bg-sky-50 text-sky-900 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-100',
  success: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100',
  warning: 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100',
  error: 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100',
};

/** A message box. Errors use role="alert"; the rest are polite status updates. */
export function Notice({
  tone = 'info',
  title,
  children,
  className = '',
}: {
  tone?: Tone;
  title?: string;
  children?: React.ReactNode;
  className?: string;
}) {
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded-md border px-4 py-3 text-sm ${TONES[tone]} ${className}`}>
      {title && <p className="font-semibold">{title}</p>}
      {children}
    </div>
  );
}

/** Announces an action's result; render it always so screen readers pick up changes. */
export function ActionMessage({ state }: { state: { ok: boolean; message: string } | null | undefined }) {
  return (
    <div aria-live="polite" className="min-h-0">
      {state && <Notice tone={state.ok ? 'success' : 'error'}>{state.message}</Notice>}
    </div>
  );
}
