'use client';

import { useDeferredValue, useId, useState } from 'react';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { ScopeChoice } from '@/lib/activation/my-roles';
import type { ScopeRow } from '@/lib/portal/activation-scopes';
import type { Page } from '@/lib/portal/keyset';
import { inputClass } from '@/components/ui/field';

const KIND_ICON: Record<ScopeChoice['kind'], string> = { managementGroup: '▦', subscription: '◆', resourceGroup: '▣', resource: '●' };

function outcomeLabel(s: ScopeChoice): { text: string; tone: string } {
  if (s.outcome.kind === 'active')
    return { text: 'Active at once', tone: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100' };
  if (s.outcome.kind === 'approval')
    return { text: 'Needs approval', tone: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100' };
  return { text: 'Cannot activate', tone: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100' };
}

/** The scopes of one eligibility, from the server: the scope itself, a level of children, a search, or one scope. */
export async function fetchScopes(eligibilityId: string, params: Record<string, string>): Promise<Page<ScopeRow>> {
  const qs = new URLSearchParams({ eligibility: eligibilityId, ...params });
  const res = await fetch(`/my-roles/scopes?${qs}`, { headers: { accept: 'application/json' } });
  if (!res.ok)
    throw new Error(
      ((await res.json().catch(() => null)) as { error?: { message?: string } } | null)?.error?.message ?? 'Could not load the scopes.',
    );
  // a signed-out session is sent to the sign-in page, which is not JSON
  if (!res.headers.get('content-type')?.includes('application/json')) throw new Error('Your session has ended. Sign in again.');
  return res.json();
}

interface Shared {
  eligibilityId: string;
  selected: Set<string>;
  onToggle: (scope: ScopeChoice) => void;
  /** numbers the checkboxes: ARM ids may hold spaces, which would split an id reference */
  refFor: (scopeId: string) => string;
}

function Choice({ s, shared, showPath }: { s: ScopeChoice; shared: Shared; showPath?: boolean }) {
  const o = outcomeLabel(s);
  const blocked = s.outcome.kind === 'blocked';
  const ref = shared.refFor(s.id);
  return (
    <label
      className={[
        'flex flex-wrap items-center gap-2 rounded px-1 py-1 text-sm',
        blocked ? 'opacity-70' : 'cursor-pointer hover:bg-slate-100 dark:hover:bg-slate-800',
      ].join(' ')}
    >
      <input
        type="checkbox"
        className="size-4"
        aria-label={s.name}
        aria-describedby={blocked ? `${ref}-o ${ref}-why` : `${ref}-o`}
        checked={shared.selected.has(s.id)}
        disabled={blocked}
        onChange={() => shared.onToggle(s)}
      />
      <span aria-hidden="true" className="text-xs text-[var(--muted)]">
        {KIND_ICON[s.kind]}
      </span>
      <span className="font-medium">{s.name}</span>
      {showPath && <span className="text-xs text-[var(--muted)]">{s.path}</span>}
      <span id={`${ref}-o`} className={`rounded-full px-2 text-xs ${o.tone}`}>
        {o.text}
      </span>
      {s.outcome.kind === 'blocked' && (
        <span id={`${ref}-why`} className="text-xs text-red-700 dark:text-red-400">
          {s.outcome.reasons.join(' ')}
        </span>
      )}
    </label>
  );
}

/** The managed children of one scope, a page at a time ("Show more"). */
function Children({ parent, shared }: { parent: ScopeChoice; shared: Shared }) {
  const q = useInfiniteQuery({
    queryKey: ['activation-scopes', shared.eligibilityId, 'children', parent.id],
    queryFn: ({ pageParam }) => fetchScopes(shared.eligibilityId, { parent: parent.id, ...(pageParam ? { after: pageParam } : {}) }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    staleTime: 60_000,
  });
  if (q.isPending) return <p className="ml-5 text-xs text-[var(--muted)]">Loading the scopes below {parent.name}…</p>;
  if (q.isError)
    return (
      <p className="ml-5 text-xs text-red-700 dark:text-red-400" role="alert">
        {q.error.message}
      </p>
    );
  const rows = q.data.pages.flatMap((p) => p.rows);
  return (
    <>
      <ul className="ml-5 border-l border-[var(--border)] pl-2">
        {rows.map((r) => (
          <Node key={r.id} s={r} shared={shared} open={false} />
        ))}
      </ul>
      {q.hasNextPage && (
        <button
          type="button"
          className="ml-7 text-xs text-indigo-700 underline dark:text-indigo-300"
          disabled={q.isFetchingNextPage}
          onClick={() => q.fetchNextPage()}
        >
          {q.isFetchingNextPage ? 'Loading…' : `Show more scopes below ${parent.name}`}
        </button>
      )}
    </>
  );
}

function Node({ s, shared, open: initiallyOpen }: { s: ScopeRow | ScopeChoice; shared: Shared; open: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const count = 'childCount' in s ? s.childCount : 1;
  return (
    <li className="py-0.5">
      <div className="flex items-start gap-1">
        {count > 0 ? (
          <button
            type="button"
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} the scopes below ${s.name}`}
            onClick={() => setOpen(!open)}
            className="mt-1 w-4 text-xs text-[var(--muted)] hover:text-[var(--text)]"
          >
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="w-4" aria-hidden="true" />
        )}
        <Choice s={s} shared={shared} />
      </div>
      {open && count > 0 && <Children parent={s} shared={shared} />}
    </li>
  );
}

/** Scopes under the eligibility whose name matches, searched on the server, each with its path. */
function SearchResults({ q, shared }: { q: string; shared: Shared }) {
  const r = useInfiniteQuery({
    queryKey: ['activation-scopes', shared.eligibilityId, 'search', q],
    queryFn: ({ pageParam }) => fetchScopes(shared.eligibilityId, { q, ...(pageParam ? { after: pageParam } : {}) }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    staleTime: 60_000,
  });
  if (r.isPending)
    return (
      <p className="p-2 text-sm text-[var(--muted)]" role="status">
        Searching…
      </p>
    );
  if (r.isError)
    return (
      <p className="p-2 text-sm text-red-700 dark:text-red-400" role="alert">
        {r.error.message}
      </p>
    );
  const rows = r.data.pages.flatMap((p) => p.rows);
  if (!rows.length) return <p className="p-2 text-sm text-[var(--muted)]">No scope matches “{q}”.</p>;
  return (
    <>
      <ul aria-label="Matching scopes">
        {rows.map((s) => (
          <li key={s.id} className="py-0.5">
            <Choice s={s} shared={shared} showPath />
          </li>
        ))}
      </ul>
      {r.hasNextPage && (
        <button
          type="button"
          className="text-xs text-indigo-700 underline dark:text-indigo-300"
          disabled={r.isFetchingNextPage}
          onClick={() => r.fetchNextPage()}
        >
          {r.isFetchingNextPage ? 'Loading…' : 'Show more matches'}
        </button>
      )}
    </>
  );
}

/**
 * The eligibility's scope and the managed scopes below it as a tree of checkboxes, loaded
 * one level at a time from the server as scopes are opened, with a server-side search
 * for anything deeper. Each scope shows the engine's outcome before anything is chosen.
 */
export function ScopeTree({
  eligibilityId,
  root,
  selected,
  onToggle,
  label,
}: {
  eligibilityId: string;
  /** the eligibility's own scope, when the page already has it */
  root: ScopeChoice | null;
  selected: Set<string>;
  onToggle: (scope: ScopeChoice) => void;
  label: string;
}) {
  const [text, setText] = useState('');
  const q = useDeferredValue(text.trim());
  const id = useId();
  const [refs] = useState(() => new Map<string, number>());
  const refFor = (scopeId: string) => {
    if (!refs.has(scopeId)) refs.set(scopeId, refs.size);
    return `${id}-${refs.get(scopeId)}`;
  };
  const fetched = useQuery({
    queryKey: ['activation-scopes', eligibilityId, 'root'],
    queryFn: () => fetchScopes(eligibilityId, {}),
    enabled: root === null,
    staleTime: 60_000,
  });
  const top = root ?? fetched.data?.rows[0] ?? null;
  const shared: Shared = { eligibilityId, selected, onToggle, refFor };
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">{label}</legend>
      <label htmlFor={`${id}-q`} className="sr-only">
        Search scopes
      </label>
      <input
        id={`${id}-q`}
        type="search"
        placeholder="Search scopes…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        maxLength={200}
        className={inputClass}
      />
      <div className="max-h-64 overflow-y-auto rounded-md border border-[var(--border)] p-2">
        {q ? (
          <SearchResults q={q} shared={shared} />
        ) : top ? (
          <ul>
            <Node s={top} shared={shared} open />
          </ul>
        ) : fetched.isError ? (
          <p className="p-2 text-sm text-red-700 dark:text-red-400" role="alert">
            {fetched.error.message}
          </p>
        ) : (
          <p className="p-2 text-sm text-[var(--muted)]" role="status">
            Loading scopes…
          </p>
        )}
      </div>
    </fieldset>
  );
}
