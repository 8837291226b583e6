'use client';

import { useClock } from '@/components/ui/clock';
import Link from 'next/link';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { ScopePath } from '@/components/scope/scope-path';
import type { ApprovalFilters, ApprovalSort } from '@/lib/approvals/types';
import { MFA_FRESHNESS_MINUTES } from '@/lib/policy/constants';
import { DecideDialog, type DecideDone, type PendingDecision } from './decide-dialog';
import { MfaBadge, RequestedWindow, Ticket, TimeLeft } from './request-cells';
import { keyedCrumbs, type QueueRow } from './rows';
import { useApprovals, useRefreshApprovals, type QueueData } from './use-approvals';

const SORTS: { value: ApprovalSort; label: string }[] = [
  { value: 'oldest', label: 'Oldest first' },
  { value: 'newest', label: 'Newest first' },
  { value: 'deadline', label: 'Times out soonest' },
  { value: 'requester', label: 'Requester' },
  { value: 'role', label: 'Role and scope' },
];

/** Filters as the API reads them, with the page cursor; the default sort is left out so the first page matches the server's. */
function queryString(f: ApprovalFilters, cursor: { after?: string; before?: string }): string {
  const p = new URLSearchParams();
  if (f.q?.trim()) p.set('q', f.q.trim());
  if (f.roleId) p.set('roleId', f.roleId);
  if (f.mfa) p.set('mfa', f.mfa);
  if (f.sort && f.sort !== 'oldest') p.set('sort', f.sort);
  if (cursor.after) p.set('after', cursor.after);
  else if (cursor.before) p.set('before', cursor.before);
  return p.toString();
}

/**
 * The approver's live queue: polled so new requests appear without a reload; sort,
 * filter and search run on the server (SQL), 50 requests a page with Previous / Next;
 * select several and approve or deny them together. Rows collapse to cards on a phone.
 */
export function ApprovalsQueue({
  initial,
  roles: initialRoles,
  mfaVerifiedAt: initialMfaAt = null,
}: {
  initial: QueueData;
  roles: { id: string; name: string }[];
  /** when this session last proved MFA (rule 11: approvals that require MFA ask for no code within the window) */
  mfaVerifiedAt?: number | null;
}) {
  const [filters, setFilters] = useState<ApprovalFilters>({ sort: 'oldest' });
  // the search box answers as one types, but asks the server once typing pauses
  const [typed, setTyped] = useState('');
  const [cursor, setCursor] = useState<{ after?: string; before?: string }>({});
  useEffect(() => {
    if ((filters.q ?? '') === typed) return;
    const t = setTimeout(() => {
      setFilters((f) => ({ ...f, q: typed }));
      setCursor({});
    }, 300);
    return () => clearTimeout(t);
  }, [typed, filters.q]);
  const params = queryString(filters, cursor);
  const { data = initial, isError, error } = useApprovals(initial, params);
  const refresh = useRefreshApprovals();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState<PendingDecision | null>(null);
  const [dialogKey, setDialogKey] = useState(0);
  const [message, setMessage] = useState<string | null>(null);
  const [mfaAt, setMfaAt] = useState<number | null>(initialMfaAt);
  const now = useClock(5_000);
  // a half-minute's margin, so a decision sent now still lands inside the window
  const mfaFresh = mfaAt !== null && now < mfaAt + MFA_FRESHNESS_MINUTES * 60_000 - 30_000;

  const items = data.items;
  const filtered = Boolean(filters.q?.trim() || filters.roleId || filters.mfa);
  const firstPage = !cursor.after && !cursor.before;
  // the server's choices, plus any role that appeared since
  const roles = useMemo(
    () =>
      [
        ...new Map([...initialRoles.map((r) => [r.id, r.name] as const), ...items.map((i) => [i.role.id, i.role.name] as const)]).entries(),
      ].sort((a, b) => a[1].localeCompare(b[1])),
    [initialRoles, items],
  );
  // a request that left the queue (decided elsewhere, timed out) leaves the selection too
  const chosen = items.filter((i) => selected.has(i.id));
  const allChosen = items.length > 0 && chosen.length === items.length;

  const open = (decision: PendingDecision['decision'], list: QueueRow[]) => {
    setMessage(null);
    setDialogKey((k) => k + 1);
    setPending({ decision, items: list });
  };
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const onDone = useCallback(
    (done: DecideDone) => {
      setPending(null);
      setSelected(new Set());
      setMessage(done.message);
      if (done.mfaVerifiedAt !== null) setMfaAt(done.mfaVerifiedAt);
      void refresh();
    },
    [refresh],
  );
  const set = (patch: Partial<ApprovalFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    setCursor({});
  };
  const turn = (c: { after?: string; before?: string }) => {
    setSelected(new Set());
    setCursor(c);
  };

  return (
    <div className="space-y-4">
      <div
        className="grid gap-3 rounded-lg border border-[var(--border)] bg-[var(--surface)] p-3 sm:grid-cols-2 lg:grid-cols-4"
        role="search"
        aria-label="Filter the queue"
      >
        <label className="space-y-1 text-sm font-medium">
          <span className="block">Search</span>
          <input
            type="search"
            className={inputClass}
            placeholder="Requester, scope, justification, ticket"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
        </label>
        <label className="space-y-1 text-sm font-medium">
          <span className="block">Role</span>
          <select className={inputClass} value={filters.roleId ?? ''} onChange={(e) => set({ roleId: e.target.value || undefined })}>
            <option value="">All roles</option>
            {roles.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1 text-sm font-medium">
          <span className="block">MFA</span>
          <select
            className={inputClass}
            value={filters.mfa ?? ''}
            onChange={(e) => set({ mfa: (e.target.value || undefined) as ApprovalFilters['mfa'] })}
          >
            <option value="">Any</option>
            <option value="verified">Verified with MFA</option>
            <option value="not-verified">Not verified</option>
          </select>
        </label>
        <label className="space-y-1 text-sm font-medium">
          <span className="block">Sort by</span>
          <select className={inputClass} value={filters.sort} onChange={(e) => set({ sort: e.target.value as ApprovalSort })}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
      </div>

      <div aria-live="polite" className="space-y-2">
        {message && (
          <Notice tone={/already|timed out|canceled|cannot|not an approver/i.test(message) ? 'warning' : 'success'}>{message}</Notice>
        )}
        {isError && <Notice tone="warning">Live updates paused: {(error as Error).message}</Notice>}
      </div>

      {items.length > 0 && (
        <div className="flex flex-wrap items-center gap-2">
          <p className="mr-auto text-sm text-[var(--muted)]" aria-live="polite">
            {`${items.length} pending${filtered ? ' matching' : ''}${data.next || data.prev ? ' on this page' : ''}`}
            {chosen.length ? ` · ${chosen.length} selected` : ''}
          </p>
          <Button disabled={!chosen.length} onClick={() => open('Approve', chosen)}>
            Approve selected
          </Button>
          <Button variant="danger" disabled={!chosen.length} onClick={() => open('Deny', chosen)}>
            Deny selected
          </Button>
        </div>
      )}

      {items.length === 0 ? (
        filtered ? (
          <EmptyState>No pending request matches these filters. Clear the search or choose another role.</EmptyState>
        ) : firstPage ? (
          <EmptyState>No request waits for your decision. New requests appear here on their own, and you also get an e-mail.</EmptyState>
        ) : (
          <EmptyState>
            No more requests here.{' '}
            <button type="button" className="underline" onClick={() => turn({})}>
              Back to the first page
            </button>
          </EmptyState>
        )
      ) : (
        <div className="overflow-hidden rounded-lg border border-[var(--border)] bg-[var(--surface)]">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Requests waiting for your decision</caption>
            <thead className="hidden bg-slate-50 text-xs uppercase tracking-wide text-[var(--muted)] dark:bg-slate-900 md:table-header-group">
              <tr>
                <th scope="col" className="w-10 p-3">
                  <input
                    type="checkbox"
                    aria-label="Select all shown requests"
                    checked={allChosen}
                    onChange={() => setSelected(allChosen ? new Set() : new Set(items.map((i) => i.id)))}
                  />
                </th>
                <th scope="col" className="p-3">
                  Request
                </th>
                <th scope="col" className="p-3">
                  Window
                </th>
                <th scope="col" className="p-3">
                  Justification and ticket
                </th>
                <th scope="col" className="p-3">
                  Age and time-out
                </th>
                <th scope="col" className="p-3">
                  <span className="sr-only">Decide</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-[var(--border)]">
              {items.map((i) => (
                <tr key={i.id} className="grid grid-cols-[2rem_1fr] gap-x-2 p-3 md:table-row md:p-0">
                  <td className="md:p-3 md:align-top">
                    <input
                      type="checkbox"
                      aria-label={`Select ${i.requester.name}'s request for ${i.role.name} on ${i.scope.path}`}
                      checked={selected.has(i.id)}
                      onChange={() => toggle(i.id)}
                    />
                  </td>
                  <td className="md:p-3 md:align-top">
                    <Link href={`/approvals/${i.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                      {i.requester.name} · {i.role.name}
                    </Link>
                    <div>
                      <ScopePath crumbs={keyedCrumbs(i.scope.crumbs)} armId={i.scope.armId} compact />
                    </div>
                    <div className="mt-1">
                      <MfaBadge item={i} />
                    </div>
                  </td>
                  <td className="col-start-2 md:p-3 md:align-top">
                    <RequestedWindow item={i} />
                  </td>
                  <td className="col-start-2 max-w-xs md:p-3 md:align-top">
                    <p className="line-clamp-3 break-words">
                      {i.justification || <span className="text-[var(--muted)]">no justification</span>}
                    </p>
                    <p className="text-xs text-[var(--muted)]">
                      Ticket: <Ticket item={i} />
                    </p>
                  </td>
                  <td className="col-start-2 text-xs md:p-3 md:align-top md:text-sm">
                    <div>
                      Requested <Time at={i.createdAt} />
                    </div>
                    <div className="font-medium text-amber-800 dark:text-amber-200">
                      <TimeLeft item={i} />
                    </div>
                  </td>
                  <td className="col-start-2 mt-2 md:mt-0 md:p-3 md:align-top">
                    <div className="flex gap-2">
                      <Button
                        className="px-2 py-1"
                        onClick={() => open('Approve', [i])}
                        aria-label={`Approve ${i.requester.name}'s request for ${i.role.name} on ${i.scope.path}`}
                      >
                        Approve
                      </Button>
                      <Button
                        variant="secondary"
                        className="px-2 py-1"
                        onClick={() => open('Deny', [i])}
                        aria-label={`Deny ${i.requester.name}'s request for ${i.role.name} on ${i.scope.path}`}
                      >
                        Deny
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(data.prev || data.next) && (
        <nav aria-label="Queue pages" className="flex gap-2">
          {data.prev && (
            <Button variant="secondary" onClick={() => turn({ before: data.prev! })}>
              Previous page
            </Button>
          )}
          {data.next && (
            <Button variant="secondary" onClick={() => turn({ after: data.next! })}>
              Next page
            </Button>
          )}
        </nav>
      )}
      <DecideDialog key={dialogKey} pending={pending} mfaFresh={mfaFresh} onClose={() => setPending(null)} onDone={onDone} />
    </div>
  );
}
