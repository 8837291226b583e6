'use client';

import { useClock } from '@/components/ui/clock';
import type { ScopeChoice } from '@/lib/activation/my-roles';
import { Time, formatDuration } from '@/components/ui/time';

const yes = (b: boolean) => (b ? 'required' : 'not required');

/** The governing settings of one (scope, role) and the outcome, said before the click. */
export function ScopeSettings({
  roleName,
  scope,
  startAt,
  minutes,
}: {
  roleName: string;
  scope: ScopeChoice;
  startAt: number | null;
  minutes: number;
}) {
  const o = scope.outcome;
  const now = useClock();
  const start = startAt ?? now;
  const end = start + Math.min(minutes, scope.maxDurationMinutes) * 60_000;
  return (
    <div className="rounded-md border border-[var(--border)] p-3 text-sm">
      <p className="font-medium">
        {roleName} on {scope.path}
      </p>
      <p className="mt-1">
        {o.kind === 'active' && (
          <span className="text-emerald-800 dark:text-emerald-300">
            Active at once{startAt ? ' at the chosen start' : ''}
            {minutes > 0 ? (
              <>
                {' '}
                <Time at={end} prefix="until" />
              </>
            ) : null}
            .
          </span>
        )}
        {o.kind === 'approval' && (
          <span className="text-amber-800 dark:text-amber-300">
            Needs approval from {o.approvers.join(', ')}
            {o.byPimAdmins ? ' (PIM administrators, as no approver is named)' : ''}; the request times out after{' '}
            {formatDuration(o.timeoutMinutes * 60_000)}.
          </span>
        )}
        {o.kind === 'blocked' && <span className="text-red-700 dark:text-red-400">Cannot be activated here: {o.reasons.join(' ')}</span>}
      </p>
      <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-xs text-[var(--muted)] sm:grid-cols-3">
        <div>
          <dt className="inline">Settings: </dt>
          <dd className="inline">{scope.explicit ? `of ${scope.name}` : 'defaults'}</dd>
        </div>
        <div>
          <dt className="inline">Maximum: </dt>
          <dd className="inline">
            {formatDuration(scope.settingsMaxMinutes * 60_000)}
            {scope.maxDurationMinutes < scope.settingsMaxMinutes
              ? ` (${formatDuration(scope.maxDurationMinutes * 60_000)} left in your eligibility)`
              : ''}
          </dd>
        </div>
        <div>
          <dt className="inline">MFA: </dt>
          <dd className="inline">{yes(scope.requires.mfa)}</dd>
        </div>
        <div>
          <dt className="inline">Justification: </dt>
          <dd className="inline">{yes(scope.requires.justification)}</dd>
        </div>
        <div>
          <dt className="inline">Ticket: </dt>
          <dd className="inline">{yes(scope.requires.ticket)}</dd>
        </div>
        <div>
          <dt className="inline">Approval: </dt>
          <dd className="inline">{o.kind === 'approval' ? `by ${o.approvers.join(', ')}` : 'not required'}</dd>
        </div>
      </dl>
    </div>
  );
}
