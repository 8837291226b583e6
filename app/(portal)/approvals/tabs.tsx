import Link from 'next/link';

/** Queue / History switch for the approvals area. */
export function ApprovalTabs({ current }: { current: 'queue' | 'history' }) {
  const tab = (href: string, label: string, on: boolean) => (
    <Link
      href={href}
      aria-current={on ? 'page' : undefined}
      className={[
        'rounded-md px-3 py-1.5 text-sm font-medium',
        on ? 'bg-indigo-600 text-white' : 'border border-[var(--border)] hover:bg-slate-100 dark:hover:bg-slate-800',
      ].join(' ')}
    >
      {label}
    </Link>
  );
  return (
    <nav aria-label="Approvals" className="flex gap-2">
      {tab('/approvals', 'Pending', current === 'queue')}
      {tab('/approvals/history', 'My decisions', current === 'history')}
    </nav>
  );
}
