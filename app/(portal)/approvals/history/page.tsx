import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db';
import { requireUser } from '@/lib/auth/session';
import { decisionHistory } from '@/lib/approvals';
import { Badge, requestStateLabel } from '@/components/ui/badge';
import { EmptyState, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';
import { ApprovalTabs } from '../tabs';
import { Notice } from '@/components/ui/notice';
import { pageParam } from '../../admin/_lib/search';

export const metadata: Metadata = { title: 'My decisions' };
export const dynamic = 'force-dynamic';

const PAGE = 25;

export default async function HistoryPage({ searchParams }: { searchParams: Promise<{ page?: string | string[] }> }) {
  const user = await requireUser();
  const asked = pageParam((await searchParams).page);
  const read = (p: number) => decisionHistory(getDb(), user.id, { limit: PAGE, offset: (p - 1) * PAGE, now: Date.now() });
  let page = asked.page;
  let { items, total } = read(page);
  const pages = Math.max(1, Math.ceil(total / PAGE));
  // past the end (an old link, a typed URL): show the last page rather than an empty table
  if (page > pages) ({ items, total } = read((page = pages)));
  return (
    <div className="space-y-4">
      <PageHeader title="My decisions" description="Every request you approved or denied, newest first." actions={<ApprovalTabs current="history" />} />
      {asked.problem && <Notice tone="warning">{asked.problem}</Notice>}
      {total === 0 ? (
        <EmptyState>You have not decided any request yet. Pending requests wait in the Pending tab.</EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg border border-[var(--border)] bg-[var(--surface)]">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Requests you decided</caption>
            <thead className="hidden bg-slate-50 text-xs uppercase tracking-wide text-[var(--muted)] dark:bg-slate-900 md:table-header-group">
              <tr>
                <th scope="col" className="p-3">Decided</th>
                <th scope="col" className="p-3">Request</th>
                <th scope="col" className="p-3">Your justification</th>
                <th scope="col" className="p-3">Outcome</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-[var(--border)]">
              {items.map((h) => (
                <tr key={h.id} className="block p-3 md:table-row md:p-0">
                  <td className="block md:table-cell md:p-3 md:align-top">
                    <Badge state={h.decision === 'Approve' ? 'Approved' : 'Denied'} /> <Time at={h.decidedAt} />
                  </td>
                  <td className="block md:table-cell md:p-3 md:align-top">
                    <Link href={`/approvals/${h.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                      {h.requester.name} · {h.role.name}
                    </Link>
                    <div>
                      <ScopePath crumbs={h.scope.crumbs} compact />
                    </div>
                  </td>
                  <td className="block max-w-sm break-words md:table-cell md:p-3 md:align-top">{h.decisionJustification || <span className="text-[var(--muted)]">none</span>}</td>
                  <td className="block md:table-cell md:p-3 md:align-top">
                    <Badge state={requestStateLabel(h.status)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {pages > 1 && (
        <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
          {page > 1 && (
            <Link className={buttonClass('secondary')} href={`/approvals/history?page=${page - 1}`}>
              Previous
            </Link>
          )}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages && (
            <Link className={buttonClass('secondary')} href={`/approvals/history?page=${page + 1}`}>
              Next
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
