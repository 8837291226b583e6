/** The one vocabulary of states, each a badge with text, never colour alone. */
export type State =
  | 'Eligible'
  | 'Active'
  | 'Scheduled'
  | 'Pending approval'
  | 'Approved'
  | 'Denied'
  | 'Timed out'
  | 'Canceled'
  | 'Expired'
  | 'Revoked'
  | 'Failed';

const COLORS: Record<string, string> = {
  Eligible: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100',
  Active: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  Approved: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  Scheduled: 'bg-violet-100 text-violet-900 dark:bg-violet-900 dark:text-violet-100',
  'Pending approval': 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  Denied: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  Failed: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
};

export function Badge({ state, children }: { state?: State | string; children?: React.ReactNode }) {
  const label = children ?? state;
  return (
    <span
      className={[
        'inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium',
        COLORS[String(state)] ?? 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
      ].join(' ')}
    >
      {label}
    </span>
  );
}

/**
 * Maps stored request statuses (ARM names, which stay in the API) to the words people read.
 * A carried-out request reads Approved here (approver pages: each one was approved); the
 * requester's pages say what it became (components/activation/request-labels.ts).
 */
export const requestStateLabel = (status: string): State =>
  (({ PendingApproval: 'Pending approval', TimedOut: 'Timed out', Provisioned: 'Approved' }) as Record<string, State>)[status] ??
  (status as State);
