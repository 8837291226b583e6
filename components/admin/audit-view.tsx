import Link from 'next/link';
import type { AuditEvent } from '@/db/schema';
import type { AuditSearch } from '@/lib/audit/filters';
import { auditQueryString } from '@/lib/audit/filters';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { EmptyState } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';

export interface AuditViewProps {
  rows: AuditEvent[];
  total: number;
  page: number;
  pages: number;
  sp: AuditSearch;
  /** search params that could not be used, said to the viewer */
  problems?: string[];
  /** the page's own path and fixed params (e.g. scope id and tab) */
  basePath: string;
  baseParams?: Record<string, string>;
  exportHref: string;
  people: { id: string; name: string }[];
  roles: { id: string; name: string }[];
  actions: string[];
  scopeText: (id: string) => string;
}

/**
 * Audit events with filters (dates, actor, action, role, principal), paging and CSV
 * export. Filters are a GET form, so every view is a shareable URL.
 */
export function AuditView(p: AuditViewProps) {
  const qs = (extra: Record<string, string>) => auditQueryString(p.sp, { ...(p.baseParams ?? {}), ...extra });
  const sel = (name: keyof AuditSearch, label: string, options: { id: string; name: string }[]) => (
    <div>
      <label htmlFor={`a-${name}`} className="block text-xs font-medium">{label}</label>
      <select id={`a-${name}`} name={name} defaultValue={p.sp[name] ?? ''} className={inputClass}>
        <option value="">Any</option>
        {options.map((o) => <option key={o.id} value={o.id}>{o.name}</option>)}
      </select>
    </div>
  );
  return (
    <div className="space-y-4">
      {p.problems && p.problems.length > 0 && <Notice tone="warning" title="Some filters could not be used">{p.problems.join(' ')}</Notice>}
      <form action={p.basePath} className="grid gap-2 sm:grid-cols-3 lg:grid-cols-7 lg:items-end">
        {Object.entries(p.baseParams ?? {}).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
        <div><label htmlFor="a-from" className="block text-xs font-medium">From (UTC day)</label><input id="a-from" type="date" name="from" defaultValue={p.sp.from} className={inputClass} /></div>
        <div><label htmlFor="a-to" className="block text-xs font-medium">To (UTC day)</label><input id="a-to" type="date" name="to" defaultValue={p.sp.to} className={inputClass} /></div>
        {sel('actor', 'Actor', p.people)}
        <div>
          <label htmlFor="a-action" className="block text-xs font-medium">Action</label>
          <input id="a-action" name="action" list="a-actions" defaultValue={p.sp.action} placeholder="e.g. assignment" className={inputClass} />
          <datalist id="a-actions">{p.actions.map((a) => <option key={a} value={a} />)}</datalist>
        </div>
        {sel('role', 'Role', p.roles)}
        {sel('principal', 'Principal', p.people)}
        <div className="flex gap-2">
          <button className={buttonClass('secondary')}>Filter</button>
          <a href={p.exportHref} className={buttonClass('secondary')} download>Export CSV</a>
        </div>
      </form>
      <p className="text-sm text-[var(--muted)]" aria-live="polite">{p.total} event{p.total === 1 ? '' : 's'}{p.pages > 1 ? `, page ${p.page} of ${p.pages}` : ''}.</p>
      {p.rows.length === 0 ? <EmptyState>No audit events match these filters. Widen the dates or clear a filter.</EmptyState> : (
        <ul className="divide-y divide-[var(--border)]" aria-label="Audit events">
          {p.rows.map((e) => (
            <li key={e.id} className="grid gap-1 py-2 text-sm md:grid-cols-[11rem_1fr_1.2fr] md:gap-3">
              <div className="text-xs"><Time at={e.at} /></div>
              <div>
                <p><span className="font-medium">{e.actorName}</span> · {e.action} {e.outcome === 'Failure' && <Badge state="Failed">Failure</Badge>}</p>
                {(e.principalName || e.roleName) && <p className="text-xs">{e.principalName ?? e.principalId}{e.roleName ? ` · ${e.roleName}` : ''}</p>}
              </div>
              <div className="text-xs text-[var(--muted)]">
                {e.scopeId && <p>{p.scopeText(e.scopeId)}</p>}
                {e.justification && <p>“{e.justification}”</p>}
                {e.requestId && <p>Request <code>{e.requestId.slice(0, 8)}</code></p>}
              </div>
            </li>
          ))}
        </ul>
      )}
      {p.pages > 1 && (
        <nav aria-label="Audit pages" className="flex gap-2">
          {p.page > 1 && <Link className={buttonClass('secondary')} href={`${p.basePath}?${qs({ page: String(p.page - 1) })}`}>Newer</Link>}
          {p.page < p.pages && <Link className={buttonClass('secondary')} href={`${p.basePath}?${qs({ page: String(p.page + 1) })}`}>Older</Link>}
        </nav>
      )}
    </div>
  );
}
