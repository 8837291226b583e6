import { useId } from 'react';

export const inputClass =
  'block w-full rounded-md border border-[var(--border)] bg-[var(--surface)] px-3 py-2 text-sm text-[var(--text)] ' +
  'placeholder:text-slate-500 aria-[invalid=true]:border-red-600';

/** A labelled input with its hint and errors wired to it for screen readers. */
export function Field({
  label,
  name,
  errors,
  hint,
  children,
  ...input
}: {
  label: string;
  name: string;
  errors?: string[];
  hint?: React.ReactNode;
  children?: React.ReactNode;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', errors?.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
        {input.required && <RequiredMark />}
      </label>
      {children ?? (
        <input
          id={id}
          name={name}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy}
          className={inputClass}
          {...input}
        />
      )}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-[var(--muted)]">
          {hint}
        </p>
      )}
      <FieldErrors id={`${id}-error`} errors={errors} />
    </div>
  );
}

/**
 * Marks a required field's label with a red asterisk. The input itself carries `required`,
 * which screen readers announce; the asterisk is drawn by CSS so the label's text (and every
 * locator reading it) stays the plain field name.
 */
export function RequiredMark() {
  return <span aria-hidden="true" data-required="" className="ml-0.5 text-red-700 after:content-['*'] dark:text-red-400" />;
}

export function FieldErrors({ id, errors }: { id?: string; errors?: string[] }) {
  if (!errors?.length) return null;
  return (
    <p id={id} className="text-sm text-red-700 dark:text-red-400">
      {errors.join(' ')}
    </p>
  );
}
