'use client';

import { useId, useMemo, useState } from 'react';
import type { ScopeChoice } from '@/lib/activation/my-roles';
import { inputClass } from '@/components/ui/field';

const KIND_ICON: Record<ScopeChoice['kind'], string> = { managementGroup: '▦', subscription: '◆', resourceGroup: '▣', resource: '●' };

function outcomeLabel(s: ScopeChoice): { text: string; tone: string } {
  if (s.outcome.kind === 'active') return { text: 'Active at once', tone: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100' };
  if (s.outcome.kind === 'approval') return { text: 'Needs approval', tone: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100' };
  return { text: 'Cannot activate', tone: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100' };
}

/**
 * The eligibility's scope and its managed descendants as a tree of checkboxes, with a
 * search that keeps the matches' ancestors so every hit is seen in place.
 */
export function ScopeTree({ scopes, selected, onToggle, label }: { scopes: ScopeChoice[]; selected: Set<string>; onToggle: (id: string) => void; label: string }) {
  const [q, setQ] = useState('');
  const id = useId();
  const { roots, children, order } = useMemo(() => {
    const ids = new Set(scopes.map((s) => s.id));
    const children = new Map<string, ScopeChoice[]>();
    const roots: ScopeChoice[] = [];
    for (const s of scopes) {
      if (s.parentId && ids.has(s.parentId)) children.set(s.parentId, [...(children.get(s.parentId) ?? []), s]);
      else roots.push(s);
    }
    return { roots, children, order: new Map(scopes.map((s, i) => [s.id, i])) };
  }, [scopes]);
  const visible = useMemo(() => {
    const term = q.trim().toLowerCase();
    if (!term) return null;
    const keep = new Set<string>();
    const byId = new Map(scopes.map((s) => [s.id, s]));
    for (const s of scopes) {
      if (!s.name.toLowerCase().includes(term) && !s.id.includes(term)) continue;
      for (let c: ScopeChoice | undefined = s; c; c = c.parentId ? byId.get(c.parentId) : undefined) keep.add(c.id);
    }
    return keep;
  }, [q, scopes]);

  const render = (nodes: ScopeChoice[], depth: number): React.ReactNode => (
    <ul className={depth ? 'ml-5 border-l border-[var(--border)] pl-2' : ''}>
      {nodes.filter((n) => !visible || visible.has(n.id)).map((n) => {
        const o = outcomeLabel(n);
        const blocked = n.outcome.kind === 'blocked';
        // ARM ids may hold spaces, which would split an id reference: number the scopes instead
        const ref = `${id}-${order.get(n.id)}`;
        return (
          <li key={n.id} className="py-0.5">
            <label className={`flex flex-wrap items-center gap-2 rounded px-1 py-1 text-sm ${blocked ? 'opacity-70' : 'cursor-pointer hover:bg-slate-100 dark:hover:bg-slate-800'}`}>
              <input type="checkbox" className="size-4" aria-label={n.name} aria-describedby={blocked ? `${ref}-o ${ref}-why` : `${ref}-o`} checked={selected.has(n.id)} disabled={blocked} onChange={() => onToggle(n.id)} />
              <span aria-hidden="true" className="text-xs text-[var(--muted)]">{KIND_ICON[n.kind]}</span>
              <span className="font-medium">{n.name}</span>
              <span id={`${ref}-o`} className={`rounded-full px-2 text-xs ${o.tone}`}>{o.text}</span>
              {blocked && n.outcome.kind === 'blocked' && <span id={`${ref}-why`} className="text-xs text-red-700 dark:text-red-400">{n.outcome.reasons.join(' ')}</span>}
            </label>
            {children.get(n.id) && render(children.get(n.id)!, depth + 1)}
          </li>
        );
      })}
    </ul>
  );

  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium">{label}</legend>
      <label htmlFor={`${id}-q`} className="sr-only">Search scopes</label>
      <input id={`${id}-q`} type="search" placeholder="Search scopes…" value={q} onChange={(e) => setQ(e.target.value)} className={inputClass} />
      <div className="max-h-64 overflow-y-auto rounded-md border border-[var(--border)] p-2">
        {visible && visible.size === 0 ? <p className="p-2 text-sm text-[var(--muted)]">No scope matches “{q}”.</p> : render(roots, 0)}
      </div>
    </fieldset>
  );
}
