import Link from 'next/link';
import { resourceHolders, type HolderRow } from '@/lib/access';
import { ASSIGNMENT_KEY_SHAPE } from '@/lib/assignments/queries';
import { decodeCursor, searchText } from '@/lib/portal/keyset';
import { Card, EmptyState } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import type { AdminContext } from '../_lib/context';
import { Pager } from '../users/pager';
import type { ScopeSearch } from './page';

/**
 * "Who has access here, and why" (issue 15): active and eligible assignments made here or
 * inherited from above, each list keyset-paged in SQL, each row with the engine's answer
 * for activating at this resource. `tab2` names the list a page link moves.
 */
export function WhoTab({ ctx, scopeId, sp }: { ctx: AdminContext; scopeId: string; sp: ScopeSearch }) {
  const q = searchText(sp.q).q;
  const token = sp.after ?? sp.before;
  const key = token ? decodeCursor(token, ASSIGNMENT_KEY_SHAPE) : null;
  const seek = key ? (sp.after ? { after: key } : { before: key }) : {};
  const list = sp.tab2 === 'eligible' ? 'eligible' : 'active';
  const r = resourceHolders(ctx.user.id, scopeId, ctx.now, { q, [list]: seek });
  if (!r) return <EmptyState>That scope does not exist.</EmptyState>;
  const base = `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=who${q ? `&q=${encodeURIComponent(q)}` : ''}`;
  const page = (which: 'active' | 'eligible', dir: 'after' | 'before', cursor: string | null) =>
    cursor ? `${base}&tab2=${which}&${dir}=${encodeURIComponent(cursor)}` : null;
  const users = ctx.user.isPimAdmin;
  return (
    <div className="space-y-6">
      {token && !key && <Notice tone="warning">That page link is not one of this list’s; showing the first page.</Notice>}
      <div className="flex flex-wrap items-end justify-between gap-2">
        <form role="search" aria-label="Principal filter" action="/admin/scope" className="flex flex-1 flex-wrap gap-2">
          <input type="hidden" name="id" value={scopeId} />
          <input type="hidden" name="tab" value="who" />
          <label htmlFor="who-q" className="sr-only">
            Filter by user or group name
          </label>
          <input
            id="who-q"
            name="q"
            type="search"
            defaultValue={q}
            maxLength={200}
            placeholder="User or group name"
            className={`${inputClass} max-w-sm`}
          />
          <button className={buttonClass('secondary')}>Filter</button>
        </form>
        <a className={buttonClass('secondary')} href={`/admin/scope/who-export?id=${encodeURIComponent(scopeId)}`} download>
          Download CSV
        </a>
      </div>
      <Card title="Hold a role here now">
        <Holders
          rows={r.active.rows}
          users={users}
          caption={`Active assignments on ${r.resource.name}, made here or inherited from above.`}
          empty={q ? `No active assignment of anyone matching “${q}”.` : 'Nobody holds a role here now.'}
          activation={false}
        />
        <Pager
          label="Pages of active assignments"
          prev={page('active', 'before', r.active.prev)}
          next={page('active', 'after', r.active.next)}
        />
      </Card>
      <Card title="Can activate a role here">
        <Holders
          rows={r.eligible.rows}
          users={users}
          caption={`Eligible assignments reaching ${r.resource.name}; activating here follows ${r.resource.name}'s own settings.`}
          empty={q ? `No eligible assignment of anyone matching “${q}”.` : 'Nobody is eligible for a role here.'}
          activation
        />
        <Pager
          label="Pages of eligible assignments"
          prev={page('eligible', 'before', r.eligible.prev)}
          next={page('eligible', 'after', r.eligible.next)}
        />
      </Card>
    </div>
  );
}

function Holders({
  rows,
  caption,
  empty,
  activation,
  users,
}: {
  rows: HolderRow[];
  caption: string;
  empty: string;
  activation: boolean;
  users: boolean;
}) {
  if (!rows.length) return <EmptyState>{empty}</EmptyState>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="mb-2 text-left text-xs text-[var(--muted)]">{caption}</caption>
        <thead>
          <tr className="border-b border-[var(--border)] text-xs uppercase text-[var(--muted)]">
            <th scope="col" className="py-2 pr-3">
              Who
            </th>
            <th scope="col" className="py-2 pr-3">
              Role
            </th>
            <th scope="col" className="py-2 pr-3">
              Why
            </th>
            <th scope="col" className="py-2 pr-3">
              Window
            </th>
            {activation && (
              <th scope="col" className="py-2">
                Activating here
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((h) => {
            const s = h.view.schedule;
            return (
              <tr key={s.id} className="border-b border-[var(--border)] align-top">
                <th scope="row" className="py-2 pr-3 font-medium">
                  {h.principalType === 'User' && users ? (
                    <Link className="underline-offset-2 hover:underline" href={`/admin/users/${encodeURIComponent(s.principal.id)}/access`}>
                      {h.view.principalName}
                    </Link>
                  ) : (
                    h.view.principalName
                  )}
                  {h.principalType === 'Group' && <span className="text-xs font-normal text-[var(--muted)]"> (group)</span>}
                </th>
                <td className="py-2 pr-3">
                  {h.view.roleName}{' '}
                  <Badge state={h.view.status === 'Scheduled' ? 'Scheduled' : s.kind === 'active' ? 'Active' : 'Eligible'} />
                </td>
                <td className="py-2 pr-3">
                  {h.why}
                  {s.kind === 'active' && s.origin === 'activated' ? ', activated' : ''}
                </td>
                <td className="py-2 pr-3">{h.window.at === null ? 'permanent' : <Time at={h.window.at} prefix={h.window.label} />}</td>
                {activation && <td className="py-2">{h.activation ?? '—'}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
