'use client';

import { useState } from 'react';
import Link from 'next/link';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { TreeLevel, TreeRow } from '@/lib/resources/tree';
import { Badge } from '@/components/ui/badge';

const ICON = { managementGroup: '▦', subscription: '◆', resourceGroup: '▣', resource: '●' } as const;
const KIND = {
  managementGroup: 'Management group',
  subscription: 'Subscription',
  resourceGroup: 'Resource group',
  resource: 'Resource',
} as const;

const scopeHref = (id: string) => `/admin/scope?id=${encodeURIComponent(id)}`;
const more = (shown: number, count: number) => (count > shown ? `\n…and ${count - shown} more` : '');

function Assignments({ row, inherited }: { row: TreeRow; inherited: string[] }) {
  return (
    <span className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-[var(--muted)]">
      {row.directCount > 0 && (
        <span title={row.direct.join('\n') + more(row.direct.length, row.directCount)}>
          {row.directCount} direct{row.directCount <= 2 ? ` (${row.direct.join('; ')})` : ''}
        </span>
      )}
      {row.inheritedCount > 0 && (
        <span title={inherited.join('\n') + more(inherited.length, row.inheritedCount)}>↳ {row.inheritedCount} inherited</span>
      )}
    </span>
  );
}

/** One resource: kind, name (a link to its scope page where PIM is enabled), marks, assignments. */
export function TreeRowView({ row, inherited = [] }: { row: TreeRow; inherited?: string[] }) {
  return (
    <div className="flex flex-wrap items-center gap-2 py-1">
      <span aria-hidden="true" className="text-xs text-[var(--muted)]" title={KIND[row.kind]}>
        {ICON[row.kind]}
      </span>
      <span className="sr-only">{KIND[row.kind]}:</span>
      {row.managed ? (
        <Link href={scopeHref(row.id)} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
          {row.name}
        </Link>
      ) : (
        <span className="font-medium">{row.name}</span>
      )}
      {row.managed ? row.enabledHere && <Badge state="Active">PIM enabled</Badge> : <Badge>Not managed</Badge>}
      {row.explicitSettings.length > 0 && <Badge state="Scheduled">Explicit settings: {row.explicitSettings.join(', ')}</Badge>}
      {row.weakerCount > 0 && (
        <span title={row.weaker.join('\n') + more(row.weaker.length, row.weakerCount)}>
          <Badge state="Pending approval">Weaker than parent</Badge>
          <span className="sr-only">
            : {row.weaker.join('; ')}
            {more(row.weaker.length, row.weakerCount)}
          </span>
        </span>
      )}
      {row.redacted ? (
        <span className="text-xs text-[var(--muted)]">You don&apos;t manage PIM here</span>
      ) : (
        <Assignments row={row} inherited={inherited} />
      )}
    </div>
  );
}

async function fetchLevel(parentId: string | null, after: string | null): Promise<TreeLevel> {
  const qs = new URLSearchParams();
  if (parentId) qs.set('parent', parentId);
  if (after) qs.set('after', after);
  const res = await fetch(`/admin/resources/tree?${qs}`, { headers: { accept: 'application/json' } });
  if (!res.ok)
    throw new Error(
      ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? 'Could not load this level.',
    );
  // a signed-out session is sent to the sign-in page, which is not JSON
  if (!res.headers.get('content-type')?.includes('application/json')) throw new Error('Your session has ended. Sign in again.');
  return res.json();
}

interface TreeProps {
  /** the tenant revision the page was rendered at: levels loaded before a change are not reused after it */
  revision: number;
  /** levels the page rendered already, by parent id ('' = the top level) */
  preloaded: Record<string, TreeLevel>;
}

/** One level: its rows a page at a time, "Show more" for the next page. */
function Level({ parentId, parentName, revision, preloaded }: TreeProps & { parentId: string | null; parentName?: string }) {
  const initial = preloaded[parentId ?? ''];
  const q = useInfiniteQuery({
    queryKey: ['resource-tree', revision, parentId ?? ''],
    queryFn: ({ pageParam }) => fetchLevel(parentId, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    initialData: initial ? { pages: [initial], pageParams: [null] } : undefined,
    staleTime: Infinity,
  });
  if (q.isPending)
    return (
      <p className="text-xs text-[var(--muted)]" role="status">
        Loading the children of {parentName}…
      </p>
    );
  if (q.isError)
    return (
      <p className="text-xs text-red-700 dark:text-red-400" role="alert">
        {q.error.message}
      </p>
    );
  const rows = q.data.pages.flatMap((p) => p.rows);
  const inherited = q.data.pages[0].inherited;
  return (
    <>
      <ul className="space-y-1" aria-label={parentName ? `Children of ${parentName}` : 'Resources'}>
        {rows.map((r) => (
          <Node key={r.id} row={r} inherited={inherited} revision={revision} preloaded={preloaded} />
        ))}
      </ul>
      {q.hasNextPage && (
        <button
          type="button"
          onClick={() => q.fetchNextPage()}
          disabled={q.isFetchingNextPage}
          className="mt-1 text-xs text-indigo-700 underline dark:text-indigo-300"
        >
          {q.isFetchingNextPage ? 'Loading…' : `Show more${parentName ? ` children of ${parentName}` : ''}`}
        </button>
      )}
    </>
  );
}

function Node({ row, inherited, revision, preloaded }: TreeProps & { row: TreeRow; inherited: string[] }) {
  const [open, setOpen] = useState(() => preloaded[row.id] !== undefined);
  return (
    <li>
      <TreeRowView row={row} inherited={inherited} />
      {row.childCount > 0 && (
        <div className="ml-1">
          <button
            type="button"
            aria-expanded={open}
            onClick={() => setOpen(!open)}
            className="text-xs text-[var(--muted)] hover:text-[var(--text)]"
          >
            <span aria-hidden="true">{open ? '▾' : '▸'} </span>
            {row.childCount} {row.childCount === 1 ? 'child' : 'children'} of {row.name}
          </button>
          {open && (
            <div className="ml-3 border-l border-[var(--border)] pl-3">
              <Level parentId={row.id} parentName={row.name} revision={revision} preloaded={preloaded} />
            </div>
          )}
        </div>
      )}
    </li>
  );
}

/**
 * The resource tree with what is assigned at each node and what flows down from above,
 * one level at a time: a level is fetched when its parent is opened, and a level with
 * many children is paged ("Show more"). Search (on the server) reaches anything deeper.
 */
export function ResourceTree(props: TreeProps) {
  return <Level parentId={null} {...props} />;
}
