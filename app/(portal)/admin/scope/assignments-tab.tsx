import Link from 'next/link';
import { getDb } from '@/lib/db';
import { settingsFor, mfaFresh } from '@/lib/policy';
import { assignmentsPage, ASSIGNMENT_KEY_SHAPE } from '@/lib/assignments';
import { getSession } from '@/lib/auth/session';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { searchText } from '@/lib/portal/keyset';
import { scopeCrumbs, scopePathText } from '@/lib/portal/scope-path';
import { Card, EmptyState } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { ScopePath } from '@/components/scope/scope-path';
import { AssignmentForm } from '@/components/admin/assignment-form';
import { AssignmentRowActions } from '@/components/admin/assignment-row-actions';
import type { AdminContext } from '../_lib/context';
import { seekParam } from '../_lib/search';
import type { ScopeSearch } from './page';
import { linkedPrincipal, roleRules } from './options';

/** The principal a "Add an assignment for …" link names, chosen in the form at first. */
function assigneeOf(raw: string | undefined) {
  const o = linkedPrincipal(raw);
  return o ? { principals: [o], defaultPrincipal: o.value } : {};
}

const LISTS = [
  { id: 'eligible', label: 'Eligible' },
  { id: 'active', label: 'Active' },
  { id: 'expired', label: 'Expired' },
] as const;

/** Rows a page: each row carries its schedule's actions, so a page of 25 stays light at any tenant size. */
const PAGE_SIZE = 25;

const WHERE = [
  { id: 'here', label: 'Here and inherited' },
  { id: 'below', label: 'Here and below' },
] as const;

/**
 * Assignments at the scope, a page at a time from SQL: made here and inherited from
 * above, or made here and anywhere below; filtered by state, role and principal name.
 */
export async function AssignmentsTab({ ctx, scopeId, sp }: { ctx: AdminContext; scopeId: string; sp: ScopeSearch }) {
  const { index, now, user } = ctx;
  const db = getDb();
  const list = (LISTS.find((l) => l.id === sp.tab2)?.id ?? 'eligible') as 'eligible' | 'active' | 'expired';
  const where = (WHERE.find((w) => w.id === sp.where)?.id ?? 'here') as 'here' | 'below';
  const role = sp.role && index.roles.has(sp.role) ? sp.role : undefined;
  const { q, cut } = searchText(sp.q);
  const { seek, problem } = seekParam(sp.after, sp.before, ASSIGNMENT_KEY_SHAPE);
  const page = assignmentsPage(db, scopeId, now, { tab: list, roleId: role, q, where }, seek, PAGE_SIZE);
  const rows = page.rows;
  const session = await getSession();
  const fresh = mfaFresh(sessionMfaVerifiedAt(db, user.id, session?.sessionId ?? null), now);
  const scopeName = scopePathText(index, scopeId);
  const base = `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=assignments`;
  const keep = (over: Partial<Record<'tab2' | 'where' | 'role' | 'q', string>>) => {
    const p = { tab2: list, where, role: role ?? '', q, ...over };
    return `${base}&tab2=${p.tab2}&where=${p.where}${p.role ? `&role=${encodeURIComponent(p.role)}` : ''}${p.q ? `&q=${encodeURIComponent(p.q)}` : ''}`;
  };
  const roles = [...index.roles.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="grid gap-6 xl:grid-cols-[1fr_26rem]">
      <Card title={where === 'below' ? 'Assignments here and below' : 'Assignments here and inherited from above'}>
        <div className="mb-3 flex flex-wrap gap-3">
          <nav aria-label="Assignment state" className="flex flex-wrap gap-1">
            {LISTS.map((l) => (
              <Link
                key={l.id}
                href={keep({ tab2: l.id })}
                aria-current={list === l.id ? 'page' : undefined}
                className={buttonClass(list === l.id ? 'primary' : 'secondary', 'px-2 py-1 text-xs')}
              >
                {l.label}
              </Link>
            ))}
          </nav>
          <nav aria-label="Assignment scopes" className="flex flex-wrap gap-1">
            {WHERE.map((w) => (
              <Link
                key={w.id}
                href={keep({ where: w.id })}
                aria-current={where === w.id ? 'page' : undefined}
                className={buttonClass(where === w.id ? 'primary' : 'secondary', 'px-2 py-1 text-xs')}
              >
                {w.label}
              </Link>
            ))}
          </nav>
        </div>
        <form className="mb-4 flex flex-wrap items-end gap-2" action="/admin/scope">
          <input type="hidden" name="id" value={scopeId} />
          <input type="hidden" name="tab" value="assignments" />
          <input type="hidden" name="tab2" value={list} />
          <input type="hidden" name="where" value={where} />
          <div>
            <label htmlFor="f-role" className="block text-xs font-medium">
              Role
            </label>
            <select id="f-role" name="role" defaultValue={role ?? ''} className={inputClass}>
              <option value="">All roles</option>
              {roles.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="f-q" className="block text-xs font-medium">
              Principal
            </label>
            <input id="f-q" name="q" type="search" defaultValue={q} maxLength={200} placeholder="Name" className={inputClass} />
          </div>
          <button className={buttonClass('secondary')}>Filter</button>
        </form>
        {problem && <Notice tone="warning">{problem}</Notice>}
        {cut && <Notice tone="info">Only the first 100 characters are searched.</Notice>}
        {rows.length === 0 ? (
          <EmptyState>
            {list === 'expired'
              ? `No ended assignments ${where === 'below' ? 'here or below' : 'here'}.`
              : `No ${list} assignments match. Add one with the form.`}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-[var(--border)]" aria-label={`${list} assignments`}>
            {rows.map((r) => {
              const s = r.schedule;
              const at = r.fromScopeId;
              const g = settingsFor(index, at, s.roleId).settings;
              const state = r.status === 'Active' ? (s.kind === 'eligible' ? 'Eligible' : 'Active') : r.status;
              return (
                <li key={s.id} className="grid gap-2 py-3 md:grid-cols-[1.2fr_1fr_1.4fr_auto] md:items-center">
                  <div>
                    <p className="font-medium">
                      {r.principalName}
                      {s.principal.type === 'Group' && <span className="text-xs text-[var(--muted)]"> (group)</span>}
                    </p>
                    <p className="text-sm">
                      {r.roleName} <Badge state={state}>{state}</Badge>
                      {s.origin === 'activated' && <span className="ml-1 text-xs text-[var(--muted)]">activated</span>}
                    </p>
                  </div>
                  <div className="text-sm">
                    {r.inherited ? (
                      <span>
                        Inherited from <ScopePath crumbs={scopeCrumbs(index, at).slice(-1)} compact />
                      </span>
                    ) : r.below ? (
                      <span>
                        At <ScopePath crumbs={scopeCrumbs(index, at).slice(-2)} compact />
                      </span>
                    ) : (
                      <span>Direct</span>
                    )}
                  </div>
                  <div className="text-sm">
                    <p>
                      <Time at={s.startAt} prefix="From" />
                    </p>
                    <p>{s.endAt === null ? 'Permanent' : <Time at={s.endAt} prefix="Until" />}</p>
                    {s.revokedAt !== null && (
                      <p className="text-xs">
                        Removed <Time at={s.revokedAt} />
                      </p>
                    )}
                  </div>
                  <div>
                    {r.inherited ? (
                      <span className="text-xs text-[var(--muted)]">Read-only here: change it at its scope</span>
                    ) : (
                      <AssignmentRowActions
                        t={{
                          scheduleId: s.id,
                          kind: s.kind,
                          principal: `${s.principal.type}:${s.principal.id}`,
                          principalName: r.principalName,
                          roleId: s.roleId,
                          roleName: r.roleName,
                          scopeId: at,
                          scopeName: r.below ? scopePathText(index, at) : scopeName,
                          startAt: s.startAt,
                          endAt: s.endAt,
                          permanentAllowed: s.kind === 'eligible' ? g.eligiblePermanentAllowed : g.activePermanentAllowed,
                          maxDays: s.kind === 'eligible' ? g.eligibleMaxDays : g.activeMaxDays,
                          live: r.status === 'Active' || r.status === 'Scheduled',
                          canExtend: r.canExtend,
                          canRenew: r.canRenew,
                        }}
                      />
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
        {(page.prev || page.next) && (
          <nav aria-label="Assignment pages" className="mt-3 flex gap-2">
            {page.prev && (
              <Link className={buttonClass('secondary', 'px-2 py-1 text-xs')} href={`${keep({})}&before=${encodeURIComponent(page.prev)}`}>
                Previous page
              </Link>
            )}
            {page.next && (
              <Link className={buttonClass('secondary', 'px-2 py-1 text-xs')} href={`${keep({})}&after=${encodeURIComponent(page.next)}`}>
                Next page
              </Link>
            )}
          </nav>
        )}
      </Card>
      <Card title="Add assignment">
        <AssignmentForm
          scopeId={scopeId}
          scopeName={scopeName}
          roles={roleRules(index, scopeId)}
          defaultRoleId={sp.role}
          mfaFresh={fresh}
          {...assigneeOf(sp.assignee)}
        />
      </Card>
    </div>
  );
}
