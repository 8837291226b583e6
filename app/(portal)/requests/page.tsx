import type { Metadata } from 'next';
import Link from 'next/link';
import { requireUser } from '@/lib/auth/session';
import { MY_REQUESTS_KEY_SHAPE, type MyRequestStatus, type MyRequestType } from '@/lib/activation/requests-query';
import { myRequestsPageData } from '@/lib/portal/request-now';
import { decodeCursor, searchText } from '@/lib/portal/keyset';
import { singleValues } from '../admin/_lib/search';
import { Notice } from '@/components/ui/notice';
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

const STATUSES: { id: MyRequestStatus; label: string }[] = [
  { id: 'all', label: 'All' },
  { id: 'pending', label: 'Pending' },
  { id: 'past', label: 'Past' },
  { id: 'approved', label: 'Approved or done' },
  { id: 'denied', label: 'Denied' },
  { id: 'canceled', label: 'Canceled' },
  { id: 'timed-out', label: 'Timed out' },
  { id: 'failed', label: 'Failed or revoked' },
];
const TYPES: { id: '' | MyRequestType; label: string }[] = [
  { id: '', label: 'Any' },
  { id: 'SelfActivate', label: 'Activation' },
  { id: 'SelfDeactivate', label: 'Deactivation' },
  { id: 'SelfExtend', label: 'Extension' },
  { id: 'SelfRenew', label: 'Renewal' },
];
const KEYS = ['status', 'type', 'q', 'after', 'before'] as const;

export default async function MyRequestsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  // a repeated query parameter (?q=a&q=b) arrives as an array: only the first value counts
  const sp = singleValues(await searchParams, KEYS);
  const status = STATUSES.find((s) => s.id === sp.status)?.id ?? 'all';
  const type = TYPES.find((t) => t.id === sp.type)?.id || undefined;
  const { q, cut } = searchText(sp.q);
  const problems: string[] = [];
  if (cut) problems.push(`Only the first ${q.length} characters of the search were used.`);
  const token = sp.after ?? sp.before;
  const key = token === undefined ? null : decodeCursor(token, MY_REQUESTS_KEY_SHAPE);
  if (token !== undefined && !key) problems.push('That page link is not one of this list’s; showing the newest requests.');
  const seek = key ? (sp.after !== undefined ? { after: key } : { before: key }) : {};
  const data = myRequestsPageData(user.id, Date.now(), { status, type, q, seek });
  const href = (extra: Record<string, string>) =>
    `/requests?${new URLSearchParams({ ...(status !== 'all' ? { status } : {}), ...(type ? { type } : {}), ...(q ? { q } : {}), ...extra })}`;
  const filtered = Boolean(q || status !== 'all' || type);
  return (
    <div className="space-y-4">
      <AutoRefresh />
      <PageHeader
        title="My requests"
        description={`Activations, extensions and renewals you asked for. ${data.pendingCount ? `${data.pendingCount} waiting for a decision.` : ''}`}
      />
      <form method="get" className="flex flex-wrap items-end gap-2" role="search">
        <div>
          <label htmlFor="req-status" className="block text-sm font-medium">
            Show
          </label>
          <select id="req-status" name="status" defaultValue={status} className={inputClass}>
            {STATUSES.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="req-type" className="block text-sm font-medium">
            Type
          </label>
          <select id="req-type" name="type" defaultValue={type ?? ''} className={inputClass}>
            {TYPES.map((t) => (
              <option key={t.id} value={t.id}>
                {t.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="req-q" className="block text-sm font-medium">
            Search
          </label>
          <input
            id="req-q"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Role, scope, justification, ticket…"
            className={inputClass}
          />
        </div>
        <button type="submit" className={buttonClass('secondary')}>
          Apply
        </button>
      </form>
      {problems.length > 0 && <Notice tone="warning">{problems.join(' ')}</Notice>}
      <p className="text-sm text-[var(--muted)]" aria-live="polite">
        {data.total === 0
          ? ''
          : `${data.more ? `More than ${data.total}` : data.total} request${data.total === 1 && !data.more ? '' : 's'}` +
            `${filtered ? ' match' : ''}, newest first.`}
      </p>
      {data.items.length === 0 ? (
        <EmptyState>
          {filtered ? (
            'No request matches. Clear the filters to see all of them.'
          ) : (
            <>
              You have not asked for anything yet.{' '}
              <Link className="underline" href="/my-roles">
                Activate a role from My roles
              </Link>
              .
            </>
          )}
        </EmptyState>
      ) : (
        <RoleTable
          caption="My requests"
          headers={['Request', 'Scope', 'Status', 'Approvers', 'Decision', 'Justification', 'Submitted', 'Actions']}
        >
          {data.items.map((r) => (
            <Row key={r.id}>
              <Cell label="Request">
                <Link href={`/requests/${r.id}`} className="font-medium text-indigo-700 underline dark:text-indigo-300">
                  {TYPE_LABEL[r.requestType]} of {r.roleName}
                </Link>
              </Cell>
              <Cell label="Scope">
                <ScopePath crumbs={r.crumbs} armId={r.armId} compact />
              </Cell>
              <Cell label="Status">
                <Badge state={stateOf(r, r.targetScheduleId ? data.activations.get(r.targetScheduleId) : null)} />
                {r.status === 'PendingApproval' && r.approvalDeadline !== null && (
                  <p className="text-xs text-[var(--muted)]">
                    <Time at={r.approvalDeadline} prefix="times out" />
                  </p>
                )}
              </Cell>
              <Cell label="Approvers">{r.approvers.join(', ') || '—'}</Cell>
              <Cell label="Decision">
                {r.decision
                  ? `${r.decision.decision === 'Approve' ? 'Approved' : 'Denied'} by ${r.decision.approverName}` +
                    `${r.decision.justification ? `: “${r.decision.justification}”` : ''}`
                  : '—'}
              </Cell>
              <Cell label="Justification">
                <span className="line-clamp-2">{r.justification ?? '—'}</span>
              </Cell>
              <Cell label="Submitted">
                <Time at={r.createdAt} />
              </Cell>
              <Cell label="Actions">
                {r.requesterId === user.id ? (
                  <CancelRequestButton requestId={r.id} what={whatOf(r)} show={r.status === 'PendingApproval'} />
                ) : null}
              </Cell>
            </Row>
          ))}
        </RoleTable>
      )}
      {(data.prev || data.next) && (
        <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
          {data.prev && (
            <Link className={buttonClass('secondary')} href={href({ before: data.prev })}>
              Previous page
            </Link>
          )}
          {data.next && (
            <Link className={buttonClass('secondary')} href={href({ after: data.next })}>
              Next page
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
