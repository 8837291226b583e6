'use client';

import Link from 'next/link';
import { useState } from 'react';
import { EmptyState } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';
import { CancelRequestButton } from './cancel-button';
import { MfaBadge, RequestedWindow, TimeLeft } from './request-cells';
import { keyedCrumbs, type AdminPendingRow } from './rows';

/**
 * Pending requests in the administrator's scopes (rows as ./rows slims them). The result
 * of a cancel is announced here, above the list, because the canceled request itself
 * leaves the list.
 */
export function AdminPendingList({ items, filtered = false }: { items: AdminPendingRow[]; filtered?: boolean }) {
  const [message, setMessage] = useState<string | null>(null);
  return (
    <div className="space-y-3">
      <div aria-live="polite">{message && <Notice tone="success">{message}</Notice>}</div>
      {items.length === 0 ? (
        <EmptyState>
          {filtered
            ? 'No pending request matches the search. Clear it to see them all.'
            : 'No request is pending in the scopes you manage.'}
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {items.map((i) => (
            <li key={i.id} className="flex flex-wrap items-start gap-4 rounded-lg border border-[var(--border)] bg-[var(--surface)] p-4">
              <div className="min-w-0 flex-1 space-y-1 text-sm">
                <Link href={`/approvals/${i.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                  {i.requester.name} · {i.role.name}
                </Link>
                <div>
                  <ScopePath crumbs={keyedCrumbs(i.scope.crumbs)} armId={i.scope.armId} />
                </div>
                <p className="break-words">{i.justification || <span className="text-[var(--muted)]">no justification</span>}</p>
                <p className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-[var(--muted)]">
                  <MfaBadge item={i} />
                  <span>
                    Window: <RequestedWindow item={i} />
                  </span>
                  <span>
                    Requested <Time at={i.createdAt} />
                  </span>
                  <span>
                    <TimeLeft item={i} />
                  </span>
                  <span>Approvers: {i.approverNames.join(', ') || 'none'}</span>
                </p>
              </div>
              <CancelRequestButton
                requestId={i.id}
                what={`${i.requester.name}'s request for ${i.role.name} on ${i.scope.path}`}
                onDone={setMessage}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
