import Link from 'next/link';
import { getDb } from '@/lib/db';
import { describe, managersOf, MANAGEMENT_ROLE_IDS, ROLE_IDS } from '@/lib/policy';
import { assignmentsPage } from '@/lib/assignments';
import { scopePathText } from '@/lib/portal/scope-path';
import { Card, EmptyState } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { Badge } from '@/components/ui/badge';
import { names, type AdminContext } from '../_lib/context';

/** People listed per card; the count says how many there are. */
const SHOWN = 50;

/**
 * Who may manage PIM here and why (the engine, walking the ≤ 6 scopes above); who could,
 * once they activate (eligible Owner / User Access Administrator here and above, from SQL).
 */
export function AccessTab({ ctx, scopeId }: { ctx: AdminContext; scopeId: string }) {
  const n = names(ctx);
  const allManagers = managersOf(ctx.index, scopeId, ctx.now);
  const managers = allManagers.slice(0, SHOWN);
  const eligible = assignmentsPage(getDb(), scopeId, ctx.now, { tab: 'eligible', roleIds: MANAGEMENT_ROLE_IDS }, {}, SHOWN);
  const eligibleOnly = eligible.rows.filter((a) => a.status === 'Active');
  const base = `/admin/scope?id=${encodeURIComponent(scopeId)}&tab=assignments`;
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Who may manage PIM here">
        <p className="mb-3 text-sm text-[var(--muted)]">
          Holders of an active Owner or User Access Administrator assignment on {scopePathText(ctx.index, scopeId)} or above, and tenant PIM
          administrators.
        </p>
        {managers.length === 0 ? (
          <EmptyState>Nobody can manage PIM here yet. Assign Owner or User Access Administrator.</EmptyState>
        ) : (
          <ul className="divide-y divide-[var(--border)]" aria-label="Managers">
            {managers.map((m) => (
              <li key={m.userId} className="py-2">
                <p className="font-medium">{n.principal({ type: 'User', id: m.userId })}</p>
                <ul className="ml-4 list-disc text-sm text-[var(--muted)]">
                  {m.reasons.map((r, i) => (
                    <li key={i}>{describe(r, n)}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
        {allManagers.length > managers.length && (
          <p className="mt-2 text-sm text-[var(--muted)]">…and {allManagers.length - managers.length} more.</p>
        )}
      </Card>
      <div className="space-y-6">
        <Card title="Eligible, must activate first">
          {eligibleOnly.length === 0 ? (
            <p className="text-sm text-[var(--muted)]">No one is only eligible for Owner or User Access Administrator here.</p>
          ) : (
            <ul className="divide-y divide-[var(--border)]">
              {eligibleOnly.map((a) => (
                <li key={a.schedule.id} className="py-2 text-sm">
                  <span className="font-medium">{a.principalName}</span> <Badge state="Eligible">Eligible</Badge> for {a.roleName}
                  {a.inherited ? ` (from ${scopePathText(ctx.index, a.fromScopeId)})` : ''}: must activate {a.roleName} before managing PIM
                  here.
                </li>
              ))}
            </ul>
          )}
          {eligible.next && (
            <p className="mt-2 text-sm">
              <Link className="underline" href={`${base}&tab2=eligible&role=${ROLE_IDS.owner}`}>
                See all eligible assignments
              </Link>
            </p>
          )}
        </Card>
        <Card title="Grant management access">
          <p className="mb-3 text-sm">
            Granting PIM management access is assigning Owner or User Access Administrator. Make it eligible so it is used just in time.
          </p>
          <div className="flex flex-wrap gap-2">
            <Link className={buttonClass('secondary')} href={`${base}&role=${ROLE_IDS.owner}`}>
              Assign Owner
            </Link>
            <Link className={buttonClass('secondary')} href={`${base}&role=${ROLE_IDS.userAccessAdministrator}`}>
              Assign User Access Administrator
            </Link>
          </div>
        </Card>
      </div>
    </div>
  );
}
