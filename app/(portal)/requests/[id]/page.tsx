import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/session';
import { requestPageData } from '@/lib/portal/request-now';
import { NoSuchRequest } from '@/components/activation/no-such-request';
import { Card, PageHeader } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { RequestTimeline } from '@/components/activation/request-timeline';
import { CancelRequestButton } from '@/components/activation/cancel-request-button';
import { AutoRefresh } from '@/components/activation/auto-refresh';
import { TYPE_LABEL, stateOf, whatOf } from '@/components/activation/request-labels';
import { requestFacts } from '@/components/activation/request-facts';

export const metadata: Metadata = { title: 'Request' };
export const dynamic = 'force-dynamic';

export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  const now = Date.now();
  const data = requestPageData(user.id, id.slice(0, 100), now);
  // a request that does not exist and one the viewer may not see read alike (nothing leaks), and
  // as a page: a 404 document would log an error in the console of whoever followed the link
  if (!data) return <NoSuchRequest back={{ href: '/requests', label: 'My requests' }} />;
  const { request: r, timeline, canCancel, canDecide, activation } = data;
  // every field says what is true now: the approved window, not the one asked for; no end
  // time or deadline for what was denied, canceled or timed out
  const facts = requestFacts(r, activation, now);
  // a pending request waits on others; live access ends (or starts) while the page is open
  const live = r.status === 'PendingApproval' || activation?.status === 'Active' || activation?.status === 'Scheduled';
  return (
    <div className="space-y-4">
      {live && <AutoRefresh everyMs={r.status === 'PendingApproval' ? 10_000 : 30_000} />}
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/requests" className="underline">
          My requests
        </Link>{' '}
        › {TYPE_LABEL[r.requestType]}
      </nav>
      <PageHeader
        title={`${TYPE_LABEL[r.requestType]} of ${whatOf(r)}`}
        description={
          <span className="inline-flex items-center gap-2">
            Status <Badge state={stateOf(r, activation)} /> · submitted <Time at={r.createdAt} />
          </span>
        }
        actions={
          <div className="flex gap-2">
            {canDecide && (
              <Link href={`/approvals/${r.id}`} className={buttonClass()}>
                Decide
              </Link>
            )}
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
