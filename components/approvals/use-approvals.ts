'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApprovalItem } from '@/lib/approvals/types';

/** Poll often enough that a new request shows up "without a reload", cheap enough for 2 cores. */
export const APPROVALS_POLL_MS = 4_000;
export const approvalsKey = ['approvals', 'queue'] as const;
export const approvalsCountKey = ['approvals', 'count'] as const;

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { cache: 'no-store', headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(res.status === 401 ? 'Your session has ended. Sign in again.' : `Could not refresh (${res.status})`);
  return (await res.json()) as T;
}

/** The live queue: server-rendered items first, then polled from /api/approvals. */
export function useApprovals(initial: ApprovalItem[]) {
  return useQuery({
    queryKey: approvalsKey,
    queryFn: () => getJson<{ items: ApprovalItem[] }>('/api/approvals').then((r) => r.items),
    initialData: initial,
    initialDataUpdatedAt: 0,
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
