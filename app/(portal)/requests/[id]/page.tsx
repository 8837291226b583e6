import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { requestDetail } from '@/lib/activation';
import { isElevateError } from '@/lib/errors';
import { Card, PageHeader } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { formatMinutes } from '@/lib/policy';
import { ScopePath } from '@/components/scope/scope-path';
import { RequestTimeline } from '@/components/activation/request-timeline';
import { CancelRequestButton } from '@/components/activation/cancel-request-button';
import { AutoRefresh } from '@/components/activation/auto-refresh';
import { TYPE_LABEL, stateOf, whatOf } from '@/components/activation/request-labels';

export const metadata: Metadata = { title: 'Request' };
export const dynamic = 'force-dynamic';

function load(viewerId: string, id: string) {
  try {
    return requestDetail(getDb(), viewerId, id, Date.now());
  } catch (e) {
    if (isElevateError(e) && e.code === 'NotFound') return null;
    throw e;
  }
}

export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const detail = load(user.id, id.slice(0, 100));
  if (!detail) notFound();
  const { request: r, timeline, canCancel, canDecide } = detail;
  const facts: [string, React.ReactNode][] = [
    ['Requested by', r.requesterName],
    ['Role', r.roleName],
    ['Scope', <ScopePath key="s" crumbs={r.crumbs} armId={r.armId} />],
    ['Window', r.requestType === 'SelfDeactivate' ? 'ends now' : <span key="w"><Time at={r.startAt} prefix="from" />, <Time at={r.endAt} prefix="until" /></span>],
    ...(r.durationMinutes ? [['Duration', formatMinutes(r.durationMinutes)] as [string, React.ReactNode]] : []),
    ['Justification', r.justification ?? '—'],
    ...(r.ticketNumber ? [['Ticket', `${r.ticketNumber}${r.ticketSystem ? ` (${r.ticketSystem})` : ''}`] as [string, React.ReactNode]] : []),
    ...(r.approvalRequired ? [['Approvers', r.approvers.join(', ') || '—'] as [string, React.ReactNode], ['Approval deadline', <Time key="d" at={r.approvalDeadline} />] as [string, React.ReactNode]] : []),
    ...(r.decision ? [['Decision', `${r.decision.decision === 'Approve' ? 'Approved' : 'Denied'} by ${r.decision.approverName}${r.decision.justification ? `: “${r.decision.justification}”` : ''}`] as [string, React.ReactNode]] : []),
    ...(r.failureReason ? [['Why it failed', r.failureReason] as [string, React.ReactNode]] : []),
  ];
  return (
    <div className="space-y-4">
      {r.status === 'PendingApproval' && <AutoRefresh everyMs={10_000} />}
      <nav aria-label="Breadcrumb" className="text-sm"><Link href="/requests" className="underline">My requests</Link> › {TYPE_LABEL[r.requestType]}</nav>
      <PageHeader
        title={`${TYPE_LABEL[r.requestType]} of ${whatOf(r)}`}
        description={<span className="inline-flex items-center gap-2">Status <Badge state={stateOf(r)} /> · submitted <Time at={r.createdAt} /></span>}
        actions={
          <div className="flex gap-2">
            {canDecide && <Link href={`/approvals/${r.id}`} className={buttonClass()}>Decide</Link>}
            {r.requesterId === user.id && <CancelRequestButton requestId={r.id} what={whatOf(r)} show={canCancel} />}
          </div>
        }
      />
      <div className="grid gap-4 md:grid-cols-[2fr_1fr]">
        <Card title="Details">
          <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
            {facts.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-[var(--muted)]">{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card title="Timeline">
          <RequestTimeline steps={timeline} />
        </Card>
      </div>
    </div>
  );
}
