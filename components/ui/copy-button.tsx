'use client';

import { useState } from 'react';

export function CopyButton({ value, label }: { value: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      aria-label={label}
      title={value}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        } catch {
          window.prompt('Copy the id', value);
        }
      }}
      className="rounded px-1 text-xs text-[var(--muted)] hover:bg-slate-100 dark:hover:bg-slate-800"
    >
      <span aria-hidden="true">{copied ? '✓' : '⧉'}</span>
      <span className="sr-only" aria-live="polite">{copied ? 'Copied' : ''}</span>
    </button>
  );
}
