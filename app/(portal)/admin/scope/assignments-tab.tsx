import Link from 'next/link';
import { getDb } from '@/db';
import { settingsFor, mfaFresh } from '@/lib/policy';
import { assignmentsAt } from '@/lib/assignments';
import { getSession } from '@/lib/auth/session';
import { sessionMfaVerifiedAt } from '@/lib/auth/mfa';
import { scopeCrumbs, scopePathText } from '@/lib/portal/scope-path';
import { Card, EmptyState } from '@/components/ui/card';
import { Badge } from '@/components/ui/badge';
import { Time } from '@/components/ui/time';
import { inputClass } from '@/components/ui/field';
import { buttonClass } from '@/components/ui/button';
import { ScopePath } from '@/components/scope/scope-path';
import { AssignmentForm } from '@/components/admin/assignment-form';
import { AssignmentRowActions } from '@/components/admin/assignment-row-actions';
import type { AdminContext } from '../_lib/context';
import type { ScopeSearch } from './page';
import { principalOptions, roleRules } from './options';

const LISTS = [
  { id: 'eligible', label: 'Eligible' },
  { id: 'active', label: 'Active' },
  { id: 'expired', label: 'Expired' },
] as const;

export async function AssignmentsTab({ ctx, scopeId, sp }: { ctx: AdminContext; scopeId: string; sp: ScopeSearch }) {
  const { index, now, user } = ctx;
  const list = (LISTS.find((l) => l.id === sp.tab2)?.id ?? 'eligible') as 'eligible' | 'active' | 'expired';
  const rows = assignmentsAt(getDb(), scopeId, now, { tab: list, roleId: sp.role || undefined, q: sp.q });
  const session = await getSession();
  const fresh = mfaFresh(sessionMfaVerifiedAt(getDb(), user.id, session?.sessionId ?? null), now);
  const scopeName = scopePathText(index, scopeId);
  const base = `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=assignments`;
  const roles = [...index.roles.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="grid gap-6 xl:grid-cols-[1fr_26rem]">
      <Card title="Assignments here and inherited from above">
        <nav aria-label="Assignment state" className="mb-3 flex flex-wrap gap-1">
          {LISTS.map((l) => (
            <Link key={l.id} href={`${base}&tab2=${l.id}${sp.role ? `&role=${encodeURIComponent(sp.role)}` : ''}`} aria-current={list === l.id ? 'page' : undefined}
              className={buttonClass(list === l.id ? 'primary' : 'secondary', 'px-2 py-1 text-xs')}>{l.label}</Link>
          ))}
        </nav>
        <form className="mb-4 flex flex-wrap items-end gap-2" action="/admin/scope">
          <input type="hidden" name="id" value={scopeId} />
          <input type="hidden" name="tab" value="assignments" />
          <input type="hidden" name="tab2" value={list} />
          <div>
            <label htmlFor="f-role" className="block text-xs font-medium">Role</label>
            <select id="f-role" name="role" defaultValue={sp.role ?? ''} className={inputClass}>
              <option value="">All roles</option>
              {roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
            </select>
          </div>
          <div>
            <label htmlFor="f-q" className="block text-xs font-medium">Principal</label>
            <input id="f-q" name="q" type="search" defaultValue={sp.q ?? ''} placeholder="Name" className={inputClass} />
          </div>
          <button className={buttonClass('secondary')}>Filter</button>
        </form>
        {rows.length === 0 ? (
          <EmptyState>
            {list === 'expired' ? 'No ended assignments here.' : `No ${list} assignments match. Add one with the form.`}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-[var(--border)]" aria-label={`${list} assignments`}>
            {rows.map((r) => {
              const s = r.schedule;
              const g = settingsFor(index, scopeId, s.roleId).settings;
              const state = r.status === 'Active' ? (s.kind === 'eligible' ? 'Eligible' : 'Active') : r.status;
              return (
                <li key={s.id} className="grid gap-2 py-3 md:grid-cols-[1.2fr_1fr_1.4fr_auto] md:items-center">
                  <div>
                    <p className="font-medium">{r.principalName}{s.principal.type === 'Group' && <span className="text-xs text-[var(--muted)]"> (group)</span>}</p>
                    <p className="text-sm">{r.roleName} <Badge state={state}>{state}</Badge>{s.origin === 'activated' && <span className="ml-1 text-xs text-[var(--muted)]">activated</span>}</p>
                  </div>
                  <div className="text-sm">
                    {r.inherited ? (
                      <span>Inherited from <ScopePath crumbs={scopeCrumbs(index, r.fromScopeId).slice(-1)} compact /></span>
                    ) : <span>Direct</span>}
                  </div>
                  <div className="text-sm">
                    <p><Time at={s.startAt} prefix="From" /></p>
                    <p>{s.endAt === null ? 'Permanent' : <Time at={s.endAt} prefix="Until" />}</p>
                    {s.revokedAt !== null && <p className="text-xs">Removed <Time at={s.revokedAt} /></p>}
                  </div>
                  <div>
                    {r.inherited ? <span className="text-xs text-[var(--muted)]">Read-only here: change it at its scope</span> : (
                      <AssignmentRowActions t={{
                        scheduleId: s.id, kind: s.kind, principal: `${s.principal.type}:${s.principal.id}`, principalName: r.principalName,
                        roleId: s.roleId, roleName: r.roleName, scopeId, scopeName, startAt: s.startAt, endAt: s.endAt,
                        permanentAllowed: s.kind === 'eligible' ? g.eligiblePermanentAllowed : g.activePermanentAllowed,
                        maxDays: s.kind === 'eligible' ? g.eligibleMaxDays : g.activeMaxDays,
                        live: r.status === 'Active' || r.status === 'Scheduled', canExtend: r.canExtend, canRenew: r.canRenew,
                      }} />
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      <Card title="Add assignment">
        <AssignmentForm scopeId={scopeId} scopeName={scopeName} principals={principalOptions(index)} roles={roleRules(index, scopeId)} defaultRoleId={sp.role} mfaFresh={fresh} />
      </Card>
    </div>
  );
}
