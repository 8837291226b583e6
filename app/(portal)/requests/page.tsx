import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { myRequests, type MyRequestsFilters } from '@/lib/activation';
import { PageHeader, EmptyState } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { buttonClass } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';
import { RoleTable, Row, Cell } from '@/components/activation/role-table';
import { CancelRequestButton } from '@/components/activation/cancel-request-button';
import { AutoRefresh } from '@/components/activation/auto-refresh';
import { TYPE_LABEL, stateOf, whatOf } from '@/components/activation/request-labels';

export const metadata: Metadata = { title: 'My requests' };
export const dynamic = 'force-dynamic';

const STATUSES = [
  { id: 'all', label: 'All' },
  { id: 'pending', label: 'Pending' },
  { id: 'past', label: 'Past' },
] as const;

// a repeated query parameter (?q=a&q=b) arrives as an array: only a single value counts
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : '');

export default async function MyRequestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const sp = await searchParams;
  const status = (STATUSES.find((s) => s.id === one(sp.status))?.id ?? 'all') as MyRequestsFilters['status'];
  const q = one(sp.q).slice(0, 200);
  const data = myRequests(getDb(), user.id, Date.now(), { status, q, page: Math.floor(Number(one(sp.page))) || 1 });
  const href = (p: Record<string, string | number>) => `/requests?${new URLSearchParams({ status: status!, q, page: '1', ...Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])) })}`;
  return (
    <div className="space-y-4">
      <AutoRefresh />
      <PageHeader title="My requests" description={`Activations, extensions and renewals you asked for. ${data.pendingCount ? `${data.pendingCount} waiting for a decision.` : ''}`} />
      <form method="get" className="flex flex-wrap items-end gap-2" role="search">
        <div>
          <label htmlFor="req-status" className="block text-sm font-medium">Show</label>
          <select id="req-status" name="status" defaultValue={status} className={inputClass}>
            {STATUSES.map((s) => <option key={s.id} value={s.id}>{s.label}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="req-q" className="block text-sm font-medium">Search</label>
          <input id="req-q" name="q" type="search" defaultValue={q} placeholder="Role, scope, justification…" className={inputClass} />
        </div>
        <button type="submit" className={buttonClass('secondary')}>Apply</button>
      </form>
      {data.total === 0 ? (
        <EmptyState>{q || status !== 'all' ? 'No request matches. Clear the filters to see all of them.' : <>You have not asked for anything yet. <Link className="underline" href="/my-roles">Activate a role from My roles</Link>.</>}</EmptyState>
      ) : (
        <RoleTable caption="My requests" headers={['Request', 'Scope', 'Status', 'Approvers', 'Decision', 'Justification', 'Submitted', 'Actions']}>
          {data.items.map((r) => (
            <Row key={r.id}>
              <Cell label="Request"><Link href={`/requests/${r.id}`} className="font-medium text-indigo-700 underline dark:text-indigo-300">{TYPE_LABEL[r.requestType]} of {r.roleName}</Link></Cell>
              <Cell label="Scope"><ScopePath crumbs={r.crumbs} armId={r.armId} compact /></Cell>
              <Cell label="Status">
                <Badge state={stateOf(r)} />
                {r.status === 'PendingApproval' && r.approvalDeadline !== null && <p className="text-xs text-[var(--muted)]"><Time at={r.approvalDeadline} prefix="times out" /></p>}
              </Cell>
              <Cell label="Approvers">{r.approvers.join(', ') || '—'}</Cell>
              <Cell label="Decision">{r.decision ? `${r.decision.decision === 'Approve' ? 'Approved' : 'Denied'} by ${r.decision.approverName}${r.decision.justification ? `: “${r.decision.justification}”` : ''}` : '—'}</Cell>
              <Cell label="Justification"><span className="line-clamp-2">{r.justification ?? '—'}</span></Cell>
              <Cell label="Submitted"><Time at={r.createdAt} /></Cell>
              <Cell label="Actions">{r.requesterId === user.id ? <CancelRequestButton requestId={r.id} what={whatOf(r)} show={r.status === 'PendingApproval'} /> : null}</Cell>
            </Row>
          ))}
        </RoleTable>
      )}
      {data.pages > 1 && (
        <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
          {data.page > 1 && <Link className={buttonClass('secondary')} href={href({ page: data.page - 1 })}>Previous</Link>}
          <span>Page {data.page} of {data.pages}</span>
          {data.page < data.pages && <Link className={buttonClass('secondary')} href={href({ page: data.page + 1 })}>Next</Link>}
        </nav>
      )}
    </div>
  );
}
