'use client';

import { Badge } from '@/components/ui/badge';
import { Countdown, Time, formatDuration } from '@/components/ui/time';
import type { ApprovalItem } from '@/lib/approvals/types';

/** The requested window: "1 h from 10:05" or "from approval, 2 h". */
export function RequestedWindow({ item }: { item: Pick<ApprovalItem, 'startAt' | 'endAt'> }) {
  const length = item.endAt !== null ? formatDuration(item.endAt - item.startAt) : 'permanent';
  return (
    <span>
      {length}
      <span className="block text-xs text-[var(--muted)]">
        <Time at={item.startAt} prefix="from" />
      </span>
    </span>
  );
}

export function MfaBadge({ item }: { item: Pick<ApprovalItem, 'mfaVerifiedAt'> }) {
  return item.mfaVerifiedAt !== null ? <Badge state="Active">MFA verified</Badge> : <Badge>No MFA</Badge>;
}

export function TimeLeft({ item }: { item: Pick<ApprovalItem, 'approvalDeadline'> }) {
  if (item.approvalDeadline === null) return <span>no time-out</span>;
  return <Countdown until={item.approvalDeadline} label="times out" />;
}

export function Ticket({ item }: { item: Pick<ApprovalItem, 'ticketNumber' | 'ticketSystem'> }) {
  if (!item.ticketNumber && !item.ticketSystem) return <span className="text-[var(--muted)]">none</span>;
  return (
    <span>
      {item.ticketSystem ? `${item.ticketSystem} ` : ''}
      {item.ticketNumber}
    </span>
  );
}
