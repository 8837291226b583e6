import { deny } from './_lib/deny';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db';
import { managementAccess, requestStatus, descendantsOf } from '@/lib/policy';
import { alertsFor } from '@/lib/alerts';
import { activityPerDay } from '@/lib/audit/query';
import { Card, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { AlertList } from '@/components/admin/alert-list';
import { ActivityChart } from '@/components/admin/activity-chart';
import { adminContext, administers } from './_lib/context';

export const metadata: Metadata = { title: 'Administration' };

/** Admin home: alerts, pending requests in my scopes, activations and approvals over time. */
export default async function AdminHome() {
  const ctx = await adminContext();
  if (!administers(ctx)) deny();
  const { index, user, now } = ctx;
  const db = getDb();
  const pending = [...index.requests.values()].filter((r) => requestStatus(r, now) === 'PendingApproval' && managementAccess(index, user.id, r.scopeId, now).allowed);
  // the chart covers the scopes this user manages (everything for a PIM administrator)
  const roots = user.isPimAdmin ? null : [...index.resources.values()].filter((n) => managementAccess(index, user.id, n.fact.id, now).allowed && !(n.parent && managementAccess(index, user.id, n.parent.fact.id, now).allowed));
  const scopeIds = roots ? roots.flatMap((n) => [n.fact.id, ...descendantsOf(index, n.fact.id).map((d) => d.id)]) : undefined;
  const activity = activityPerDay(db, now, 14, scopeIds);
  const alerts = alertsFor(db, user.id, now);
  const oldest = pending.reduce<number | null>((m, r) => (m === null || r.createdAt < m ? r.createdAt : m), null);
  return (
    <div className="space-y-6">
      <PageHeader title="Administration" description="What needs attention in the scopes you manage." />
      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Pending requests in my scopes">
          <p className="text-3xl font-semibold">{pending.length}</p>
          <p className="text-sm text-[var(--muted)]">{oldest ? `Oldest waiting since ${new Date(oldest).toISOString().slice(0, 16).replace('T', ' ')} UTC.` : 'Nothing waits for a decision.'}</p>
          <Link href="/admin/pending" className={buttonClass('secondary', 'mt-3')}>Pending requests</Link>
        </Card>
        <Card title="Alerts">
          <p className="text-3xl font-semibold">{alerts.length}</p>
          <p className="text-sm text-[var(--muted)]">{alerts.filter((a) => a.severity === 'high').length} high severity.</p>
          <Link href="#alerts" className={buttonClass('secondary', 'mt-3')}>Review alerts</Link>
        </Card>
        <Card title="Manage">
          <ul className="space-y-2 text-sm">
            <li><Link className="underline" href="/admin/resources">Resources: discover, enable PIM, tree</Link></li>
            {user.isPimAdmin && <li><Link className="underline" href="/admin/users">Users and groups</Link></li>}
            {user.isPimAdmin && <li><Link className="underline" href="/admin/audit">Tenant audit</Link></li>}
            {user.isPimAdmin && <li><Link className="underline" href="/admin/outbox">Outbox</Link></li>}
          </ul>
        </Card>
      </div>
      <Card title="Activations and approvals, last 14 days"><ActivityChart data={activity} /></Card>
      <section id="alerts" aria-labelledby="alerts-title" className="space-y-3">
        <h2 id="alerts-title" className="text-lg font-semibold">Alerts</h2>
        <AlertList alerts={alerts} />
      </section>
    </div>
  );
}
