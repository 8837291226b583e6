'use client';

import { useClock } from '@/components/ui/clock';
import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { InboxItem } from '@/lib/activation/inbox';
import { relative } from '@/components/ui/time';

/** What GET /api/notifications returns (the server's own type, so the two cannot drift). */
interface Inbox {
  unread: number;
  items: InboxItem[];
}

const KEY = ['notifications'];

async function fetchInbox(): Promise<Inbox> {
  const res = await fetch('/api/notifications', { cache: 'no-store' });
  if (!res.ok) throw new Error(`notifications ${res.status}`);
  return res.json();
}

/** The in-app bell: unread count, the latest notifications, mark read. Polls so news arrives without a reload. */
export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const router = useRouter();
  const qc = useQueryClient();
  const { data } = useQuery({ queryKey: KEY, queryFn: fetchInbox, refetchInterval: 10_000 });
  const mark = useMutation({
    mutationFn: async (ids?: string[]) => {
      const res = await fetch('/api/notifications', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ids ? { ids } : {}),
      });
      if (!res.ok) throw new Error(`notifications ${res.status}`);
      return (await res.json()) as Inbox;
    },
    onSuccess: (inbox) => qc.setQueryData(KEY, inbox),
  });
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  const unread = data?.unread ?? 0;
  const now = useClock();
  return (
    <div className="relative" ref={box}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls="notification-panel"
        onClick={() => setOpen((o) => !o)}
        aria-label={`Notifications${unread ? `, ${unread} unread` : ''}`}
        className="relative rounded-md p-2 hover:bg-slate-100 dark:hover:bg-slate-800"
      >
        <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
          <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
        </svg>
        {unread > 0 && (
          <span
            aria-hidden="true"
            className="absolute -right-1 -top-1 min-w-5 rounded-full bg-red-600 px-1 text-center text-xs font-semibold text-white"
          >
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      <span className="sr-only" aria-live="polite">
        {unread ? `${unread} unread notifications` : ''}
      </span>
      {open && (
        <div
          id="notification-panel"
          role="region"
          aria-label="Notifications"
          className="absolute right-0 z-40 mt-2 w-[min(24rem,calc(100vw-2rem))] rounded-lg border border-[var(--border)] bg-[var(--surface)] shadow-lg"
        >
          <div className="flex items-center justify-between border-b border-[var(--border)] px-3 py-2">
            <h2 className="text-sm font-semibold">Notifications</h2>
            <button
              type="button"
              className="text-xs text-indigo-700 underline disabled:opacity-50 dark:text-indigo-300"
              disabled={!unread || mark.isPending}
              onClick={() => mark.mutate(undefined)}
            >
              Mark all read
            </button>
          </div>
          {!data?.items.length ? (
            <p className="p-4 text-sm text-[var(--muted)]">
              Nothing yet. You hear here when a request is decided or an activation is about to end.
            </p>
          ) : (
            <ul className="max-h-96 divide-y divide-[var(--border)] overflow-y-auto">
              {data.items.map((n) => (
                <li key={n.id}>
                  <button
                    type="button"
                    className={[
                      'block w-full px-3 py-2 text-left text-sm hover:bg-slate-50 dark:hover:bg-slate-800',
                      n.read ? '' : 'bg-indigo-50 dark:bg-indigo-950',
                    ].join(' ')}
                    onClick={() => {
                      if (!n.read) mark.mutate([n.id]);
                      setOpen(false);
                      if (n.link) router.push(n.link);
                    }}
                  >
                    <span className="flex items-start gap-2">
                      {!n.read && <span className="mt-1.5 size-2 shrink-0 rounded-full bg-indigo-600" aria-hidden="true" />}
                      <span>
                        <span className="block font-medium">
                          {n.title}
                          {!n.read && <span className="sr-only"> (unread)</span>}
                        </span>
                        <span className="line-clamp-2 block text-xs text-[var(--muted)]">{n.body}</span>
                        <span className="block text-xs text-[var(--muted)]" suppressHydrationWarning>
                          {relative(n.createdAt, now)}
                        </span>
                      </span>
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
