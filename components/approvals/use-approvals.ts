'use client';

import { useClock } from '@/components/ui/clock';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { QueueRow } from './rows';

/** One page of the queue: as /api/approvals answers it, or as the page slims it (./rows). */
export interface QueueData {
  items: QueueRow[];
  next: string | null;
  prev: string | null;
  /** when the server read it (the page's first render): fresh until the next poll, so hydration does not read it again at once */
  at?: number;
}

/** Poll often enough that a new request shows up "without a reload", cheap enough for 2 cores. */
export const APPROVALS_POLL_MS = 4_000;
export const approvalsKey = ['approvals', 'queue'] as const;
export const approvalsCountKey = ['approvals', 'count'] as const;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(res.status === 401 ? 'Your session has ended. Sign in again.' : `Could not refresh (${res.status})`);
  return (await res.json()) as T;
}

/**
 * The live queue: one page for the given query string (filters, sort, cursor), polled
 * from /api/approvals. The server-rendered first page seeds the unfiltered query.
 */
export function useApprovals(initial: QueueData, params: string) {
  const now = useClock();
  return useQuery({
    queryKey: [...approvalsKey, params],
    queryFn: () =>
      getJson<QueueData>(`/api/approvals${params ? `?${params}` : ''}`).then((r) => ({ items: r.items, next: r.next, prev: r.prev })),
    initialData: params === '' ? initial : undefined,
    initialDataUpdatedAt: params === '' ? Math.min(initial.at ?? 0, now) : undefined,
    staleTime: APPROVALS_POLL_MS,
    // while another page or filter loads, keep showing the last one
    placeholderData: (previous) => previous,
    refetchInterval: APPROVALS_POLL_MS,
    refetchIntervalInBackground: false,
  });
}

/** The navigation badge, polled from /api/approvals/count, starting from the server-rendered count. */
export function useApprovalCount(initial: number, enabled: boolean) {
  return useQuery({
    queryKey: approvalsCountKey,
    queryFn: () => getJson<{ count: number }>('/api/approvals/count').then((r) => r.count),
    initialData: initial,
    initialDataUpdatedAt: 0,
    refetchInterval: APPROVALS_POLL_MS,
    enabled,
  });
}

/** After a decision: refresh the queue and the badge at once rather than at the next poll. */
export function useRefreshApprovals() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: ['approvals'] });
}
