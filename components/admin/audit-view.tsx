import Link from 'next/link';
import type { AuditEvent } from '@/lib/db';
import type { AuditSearch } from '@/lib/audit/filters';
import { auditQueryString } from '@/lib/audit/filters';
import type { PersonChoice } from '@/lib/audit/people';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { EmptyState } from '@/components/ui/card';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';

export interface AuditViewProps {
  rows: AuditEvent[];
  /** keyset cursors of the older / newer page, when there is one */
  next: string | null;
  prev: string | null;
  /** not the newest page: offer a way back to it */
  paged: boolean;
  sp: AuditSearch;
  /**
   * what the Actor and Principal search boxes show once resolved: an e-mail or group name,
   * or, where the viewer may not see the directory (my audit), a name (lib/audit/people)
   */
  typed: { actor?: string; principal?: string };
  /**
   * a typed word matched several people: links to pick one. Only those the viewer may find,
   * and an e-mail only where the viewer may see it (a choice's `text`).
   */
  choices: { actor?: PersonChoice[]; principal?: PersonChoice[] };
  /** search params that could not be used, said to the viewer */
  problems?: string[];
  /** the page's own path and fixed params (e.g. scope id and tab) */
  basePath: string;
  baseParams?: Record<string, string>;
  exportHref: string;
  roles: { id: string; name: string }[];
  /** distinct event types in the log, suggested by the Action box */
  eventTypes: string[];
  scopeText: (id: string) => string;
}

/**
 * Audit events, newest first, 50 to a page, with filters (dates, actor, action, role,
 * principal) and CSV export of everything the filters select. Filters are a GET form
 * and pages are links, so every view is a shareable URL.
 */
export function AuditView(p: AuditViewProps) {
  const href = (extra: Record<string, string>, sp: AuditSearch = p.sp) =>
    `${p.basePath}?${auditQueryString(sp, { ...(p.baseParams ?? {}), ...extra })}`;
  const search = (name: 'actor' | 'principal', label: string, placeholder: string) => (
    <div>
      <label htmlFor={`a-${name}`} className="block text-xs font-medium">
        {label}
      </label>
      <input
        id={`a-${name}`}
        type="search"
        name={name}
        defaultValue={p.typed[name] ?? ''}
        placeholder={placeholder}
        className={inputClass}
      />
    </div>
  );
  const pick = (name: 'actor' | 'principal', label: string) => {
    const list = p.choices[name];
    if (!list?.length) return null;
    return (
      <nav aria-label={`Choose the ${label}`} className="text-sm">
        <p className="font-medium">Which {label}?</p>
        <ul className="mt-1 flex flex-wrap gap-2">
          {list.map((c) => (
            <li key={`${c.type}:${c.id}`}>
              <Link className={buttonClass('secondary', 'px-2 py-1 text-xs')} href={href({}, { ...p.sp, [name]: c.id })}>
                {c.name}
                {c.text !== c.name ? ` (${c.text})` : c.type === 'Group' ? ' (group)' : ''}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    );
  };
  return (
    <div className="space-y-4">
      {p.problems && p.problems.length > 0 && (
        <Notice tone="warning" title="Some filters could not be used">
          {p.problems.join(' ')}
        </Notice>
      )}
      {pick('actor', 'actor')}
      {pick('principal', 'principal')}
      <form action={p.basePath} className="grid gap-2 sm:grid-cols-3 lg:grid-cols-7 lg:items-end">
        {Object.entries(p.baseParams ?? {}).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <div>
          <label htmlFor="a-from" className="block text-xs font-medium">
            From (UTC day)
          </label>
          <input id="a-from" type="date" name="from" defaultValue={p.sp.from} className={inputClass} />
        </div>
        <div>
          <label htmlFor="a-to" className="block text-xs font-medium">
            To (UTC day)
          </label>
          <input id="a-to" type="date" name="to" defaultValue={p.sp.to} className={inputClass} />
        </div>
        {search('actor', 'Actor', 'Name or e-mail')}
        <div>
          <label htmlFor="a-action" className="block text-xs font-medium">
            Action
          </label>
          <input
            id="a-action"
            name="action"
            list="a-actions"
            defaultValue={p.sp.action}
            placeholder="e.g. assignment"
            className={inputClass}
          />
          <datalist id="a-actions">
            {p.eventTypes.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="a-role" className="block text-xs font-medium">
            Role
          </label>
          <select id="a-role" name="role" defaultValue={p.sp.role ?? ''} className={inputClass}>
            <option value="">Any</option>
            {p.roles.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
        {search('principal', 'Principal', 'User or group')}
        <div className="flex gap-2">
          <button className={buttonClass('secondary')}>Filter</button>
          <a href={p.exportHref} className={buttonClass('secondary')} download>
            Export CSV
          </a>
        </div>
      </form>
      <p className="text-sm text-[var(--muted)]" aria-live="polite">
        {p.rows.length === 0
          ? 'No events on this page.'
          : `${p.rows.length} event${p.rows.length === 1 ? '' : 's'} on this page, newest first${p.next ? '; older ones on the next page' : ''}.`}
      </p>
      {p.rows.length === 0 ? (
        <EmptyState>No audit events match these filters. Widen the dates or clear a filter.</EmptyState>
      ) : (
        <ul className="divide-y divide-[var(--border)]" aria-label="Audit events">
          {p.rows.map((e) => (
            <li key={e.id} className="grid gap-1 py-2 text-sm md:grid-cols-[11rem_1fr_1.2fr] md:gap-3">
              <div className="text-xs">
                <Time at={e.at} />
              </div>
              <div>
                <p>
                  <span className="font-medium">{e.actorName}</span> · {e.action}{' '}
                  {e.outcome === 'Failure' && <Badge state="Failed">Failure</Badge>}
                </p>
                {(e.principalName || e.roleName) && (
                  <p className="text-xs">
                    {e.principalName ?? e.principalId}
                    {e.roleName ? ` · ${e.roleName}` : ''}
                  </p>
                )}
              </div>
              <div className="text-xs text-[var(--muted)]">
                {e.scopeId && <p>{p.scopeText(e.scopeId)}</p>}
                {e.justification && <p>“{e.justification}”</p>}
                {e.requestId && (
                  <p>
                    Request <code>{e.requestId.slice(0, 8)}</code>
                  </p>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
      {(p.paged || p.prev || p.next) && (
        <nav aria-label="Audit pages" className="flex flex-wrap gap-2">
          {p.paged && (
            <Link className={buttonClass('secondary')} href={href({})}>
              Newest
            </Link>
          )}
          {p.prev && (
            <Link className={buttonClass('secondary')} href={href({ before: p.prev })}>
              Previous page
            </Link>
          )}
          {p.next && (
            <Link className={buttonClass('secondary')} href={href({ after: p.next })}>
              Next page
            </Link>
          )}
        </nav>
      )}
    </div>
  );
}
