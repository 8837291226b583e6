import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { requireUser } from '@/lib/auth/session';
import { decisionHistory } from '@/lib/approvals/queries';
import { decodeCursor } from '@/lib/portal/keyset';
import { Badge, requestStateLabel } from '@/components/ui/badge';
import { EmptyState, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';
import { ApprovalTabs } from '../tabs';
import { Notice } from '@/components/ui/notice';
import { singleValues } from '../../admin/_lib/search';

export const metadata: Metadata = { title: 'My decisions' };
export const dynamic = 'force-dynamic';

/** A decision's place in the history, newest first: (decided at, id). */
const KEY_SHAPE = ['n', 's'] as const;

/** The approver's decisions, 50 a page, keyset-paged in SQL (Previous / Next links carry the cursor). */
export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const sp = singleValues(await searchParams, ['after', 'before'] as const);
  const token = sp.after ?? sp.before;
  const key = token === undefined ? null : decodeCursor(token, KEY_SHAPE);
  const problem = token !== undefined && !key ? 'That page link is not one of this list’s; showing your latest decisions.' : null;
  const { items, next, prev, total, more } = decisionHistory(getDb(), user.id, {
    seek: key ? (sp.after !== undefined ? { after: key } : { before: key }) : {},
    now: Date.now(),
  });
  return (
    <div className="space-y-4">
      <PageHeader
        title="My decisions"
        description="Every request you approved or denied, newest first."
        actions={<ApprovalTabs current="history" />}
      />
      {problem && <Notice tone="warning">{problem}</Notice>}
      {total > 0 && (
        <p className="text-sm text-[var(--muted)]">
          {more ? `More than ${total}` : total} decision{total === 1 && !more ? '' : 's'}, newest first.
        </p>
      )}
      {items.length === 0 ? (
        <EmptyState>You have not decided any request yet. Pending requests wait in the Pending tab.</EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg border border-[var(--border)] bg-[var(--surface)]">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Requests you decided</caption>
            <thead className="hidden bg-slate-50 text-xs uppercase tracking-wide text-[var(--muted)] dark:bg-slate-900 md:table-header-group">
              <tr>
                <th scope="col" className="p-3">
                  Decided
                </th>
                <th scope="col" className="p-3">
                  Request
                </th>
                <th scope="col" className="p-3">
                  Your justification
                </th>
                <th scope="col" className="p-3">
                  Outcome
                </th>
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
                  <td className="block max-w-sm break-words md:table-cell md:p-3 md:align-top">
                    {h.decisionJustification || <span className="text-[var(--muted)]">none</span>}
                  </td>
                  <td className="block md:table-cell md:p-3 md:align-top">
                    <Badge state={requestStateLabel(h.status)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(prev || next) && (
        <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
          {prev && (
            <Link className={buttonClass('secondary')} href={`/approvals/history?before=${encodeURIComponent(prev)}`}>
              Previous page
            </Link>
          )}
          {next && (
            <Link className={buttonClass('secondary')} href={`/approvals/history?after=${encodeURIComponent(next)}`}>
              Next page
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
