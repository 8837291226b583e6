import type { RequestView } from '@/lib/activation/requests-query';
import type { ActivationNow } from '@/lib/portal/request-now';
import { formatMinutes } from '@/lib/policy';
import { Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';

type Fact = [string, React.ReactNode];

/**
 * The Details of a request page, each true at `now`: a pending request shows what was
 * asked and its deadline; a carried-out activation shows the window it really got (from
 * its approval, as the timeline does) and whether it has ended; a request that was denied,
 * canceled, timed out or failed shows no window and no deadline, only when that happened.
 */
export function requestFacts(r: RequestView, activation: ActivationNow | null, now: number): Fact[] {
  const pending = r.status === 'PendingApproval';
  const facts: Fact[] = [
    ['Requested by', r.requesterName],
    ['Role', r.roleName],
    ['Scope', <ScopePath key="s" crumbs={r.crumbs} armId={r.armId} />],
    ...windowFacts(r, activation, now),
    ['Justification', r.justification ?? '—'],
  ];
  if (r.ticketNumber) facts.push(['Ticket', `${r.ticketNumber}${r.ticketSystem ? ` (${r.ticketSystem})` : ''}`]);
  if (r.approvalRequired) facts.push(['Approvers', r.approvers.join(', ') || '—']);
  if (pending && r.approvalDeadline !== null)
    facts.push(['Approval deadline', <Time key="d" at={r.approvalDeadline} prefix="times out" />]);
  if (r.status === 'TimedOut') facts.push(['Timed out', <Time key="t" at={r.approvalDeadline} />]);
  if (r.status === 'Canceled') facts.push(['Canceled', <Time key="c" at={r.canceledAt} />]);
  if (r.decision) {
    const d = r.decision;
    facts.push([
      'Decision',
      <span key="dc">
        {d.decision === 'Approve' ? 'Approved' : 'Denied'} by {d.approverName}
        {d.justification ? `: “${d.justification}”` : ''} · <Time at={d.decidedAt} />
      </span>,
    ]);
  }
  if (r.failureReason) facts.push(['Why it failed', r.failureReason]);
  return facts;
}

function windowFacts(r: RequestView, activation: ActivationNow | null, now: number): Fact[] {
  const asked: Fact[] = r.durationMinutes ? [['Requested duration', formatMinutes(r.durationMinutes)]] : [];
  if (r.requestType === 'SelfDeactivate') {
    return r.status === 'Provisioned' ? [['Deactivated', <Time key="x" at={r.completedAt ?? r.createdAt} />]] : [];
  }
  if (r.status === 'PendingApproval') {
    // the window starts at approval (or at the requested start, if later): say so, no end time yet
    if (r.requestType === 'SelfActivate') {
      return [
        [
          'Requested window',
          r.startAt > now ? (
            <span key="w">
              <Time at={r.startAt} prefix="from" />
              {r.durationMinutes ? `, for ${formatMinutes(r.durationMinutes)}` : ''}
            </span>
          ) : (
            `${r.durationMinutes ? formatMinutes(r.durationMinutes) : 'The requested duration'} from approval`
          ),
        ],
      ];
    }
    return [
      [
        'Requested window',
        <span key="w">
          <Time at={r.startAt} prefix="from" />, <Time at={r.endAt} prefix="until" />
        </span>,
      ],
    ];
  }
  if (r.status !== 'Provisioned') return asked;
  if (r.requestType === 'SelfActivate') {
    if (!activation) return asked;
    const { startAt, endAt, status } = activation;
    const ending = status === 'Revoked' ? 'deactivated' : status === 'Expired' ? 'ended' : 'until';
    return [
      [
        'Window',
        <span key="w">
          <Time at={startAt} prefix="from" />, <Time at={endAt} prefix={ending} />
        </span>,
      ],
      ...asked,
    ];
  }
  return [
    [
      'New window',
      <span key="w">
        <Time at={r.startAt} prefix="from" />, <Time at={r.endAt} prefix="until" />
      </span>,
    ],
  ];
}
