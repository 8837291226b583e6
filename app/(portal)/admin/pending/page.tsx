import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { requireUser } from '@/lib/auth/session';
import { adminPending, sortShape } from '@/lib/approvals/queries';
import type { ApprovalSort } from '@/lib/approvals/types';
import { decodeCursor, searchText } from '@/lib/portal/keyset';
import { PageHeader } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { buttonClass } from '@/components/ui/button';
import { inputClass } from '@/components/ui/field';
import { AdminPendingList } from '@/components/approvals/admin-pending-list';
import { adminPendingRow } from '@/components/approvals/rows';
import { singleValues } from '../_lib/search';

export const metadata: Metadata = { title: 'Pending requests' };
export const dynamic = 'force-dynamic';

const SORTS: { value: ApprovalSort; label: string }[] = [
  { value: 'deadline', label: 'Times out soonest' },
  { value: 'oldest', label: 'Oldest first' },
  { value: 'newest', label: 'Newest first' },
  { value: 'requester', label: 'Requester' },
  { value: 'role', label: 'Role' },
];

/** Rows a page: each row is a card with its scope path, window, approvers and a cancel button. */
const PAGE_SIZE = 25;

/**
 * Administrators: pending requests at scopes where they hold PIM management access, 25 a
 * page, searched, sorted and keyset-paged in SQL within the subtrees they manage.
 */
export default async function AdminPendingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requireUser();
  const sp = singleValues(await searchParams, ['q', 'sort', 'after', 'before'] as const);
  const sort = SORTS.find((s) => s.value === sp.sort)?.value ?? 'deadline';
  const { q, cut } = searchText(sp.q);
  const problems: string[] = [];
  if (cut) problems.push(`Only the first ${q.length} characters of the search were used.`);
  const token = sp.after ?? sp.before;
  const key = token === undefined ? null : decodeCursor(token, sortShape(sort));
  if (token !== undefined && !key) problems.push('That page link is not one of this list’s; showing the first page.');
  const page = adminPending(getDb(), user.id, Date.now(), {
    q,
    sort,
    size: PAGE_SIZE,
    seek: key ? (sp.after !== undefined ? { after: key } : { before: key }) : {},
  });
  const href = (extra: Record<string, string>) =>
    `/admin/pending?${new URLSearchParams({ ...(q ? { q } : {}), ...(sort !== 'deadline' ? { sort } : {}), ...extra })}`;
  return (
    <div className="space-y-4">
      <PageHeader
        title="Pending requests in your scopes"
        description="Requests waiting for approval at scopes you manage, soonest time-out first. You may cancel one with a justification; the approvers decide."
      />
      <form method="get" role="search" aria-label="Filter pending requests" className="flex flex-wrap items-end gap-2">
        <div>
          <label htmlFor="pending-q" className="block text-sm font-medium">
            Search
          </label>
          <input
            id="pending-q"
            name="q"
            type="search"
            defaultValue={q}
            placeholder="Requester, role, scope, justification…"
            className={inputClass}
          />
        </div>
        <div>
          <label htmlFor="pending-sort" className="block text-sm font-medium">
            Sort by
          </label>
          <select id="pending-sort" name="sort" defaultValue={sort} className={inputClass}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className={buttonClass('secondary')}>
          Apply
        </button>
      </form>
      {problems.length > 0 && <Notice tone="warning">{problems.join(' ')}</Notice>}
      <AdminPendingList items={page.items.map(adminPendingRow)} filtered={Boolean(q)} />
      {(page.prev || page.next) && (
        <nav aria-label="Pages" className="flex items-center gap-2 text-sm">
          {page.prev && (
            <Link className={buttonClass('secondary')} href={href({ before: page.prev })}>
              Previous page
            </Link>
          )}
          {page.next && (
            <Link className={buttonClass('secondary')} href={href({ after: page.next })}>
              Next page
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
