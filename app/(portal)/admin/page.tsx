import { refusal } from './_lib/deny';
import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { alertsFor } from '@/lib/alerts';
import { connectorAlerts } from '@/lib/connectors/alerts';
import { administeredScopes } from '@/lib/resources/administered';
import { activityInAdministered, pendingInAdministered } from '@/lib/portal/admin-home';
import { scopeCrumbs } from '@/lib/portal/scope-path';
import { Card, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { AlertList, AlertPager } from '@/components/admin/alert-list';
import { ActivityChart } from '@/components/admin/activity-chart';
import { ScopePath } from '@/components/scope/scope-path';
import { adminContext, administers, tenantPimAdmin } from './_lib/context';
import { pageParam } from './_lib/search';

export const metadata: Metadata = { title: 'Administration' };

const ALERTS_PER_PAGE = 25;
/** Scopes listed on the Manage card; a resource administrator holds few. */
const SCOPES_SHOWN = 10;

/**
 * Admin home: alerts, pending requests in my scopes, activations and approvals over time.
 * "My scopes" are the subtrees of my active Owner / User Access Administrator assignments
 * (everything for a PIM administrator); every count is one SQL query over those ranges
 * and the alerts are slices of the scan kept per tenant change.
 */
export default async function AdminHome({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await adminContext();
  if (!administers(ctx)) return refusal();
  const { page, problem } = pageParam((await searchParams).alerts);
  const { index, user, now } = ctx;
  const db = getDb();
  const adm = administeredScopes(db, index, user.id, now);
  const pending = pendingInAdministered(db, adm, now);
  const activity = activityInAdministered(db, adm, now, 14);
  const alerts = alertsFor(db, user.id, now, { offset: (page - 1) * ALERTS_PER_PAGE, limit: ALERTS_PER_PAGE });
  // connectors are tenant-wide: their alerts are for tenant PIM administrators
  const pimAdmin = tenantPimAdmin(ctx);
  const connector = pimAdmin ? connectorAlerts(db, now) : [];
  return (
    <div className="space-y-6">
      <PageHeader title="Administration" description="What needs attention in the scopes you manage." />
      <div className="grid gap-4 md:grid-cols-3">
        <Card title="Pending requests in my scopes">
          <p className="text-3xl font-semibold">{pending.count}</p>
          <p className="text-sm text-[var(--muted)]">
            {pending.oldest
              ? `Oldest waiting since ${new Date(pending.oldest).toISOString().slice(0, 16).replace('T', ' ')} UTC.`
              : 'Nothing waits for a decision.'}
          </p>
          <Link href="/admin/pending" className={buttonClass('secondary', 'mt-3')}>
            Pending requests
          </Link>
        </Card>
        <Card title="Alerts">
          <p className="text-3xl font-semibold">{alerts.total + connector.length}</p>
          <p className="text-sm text-[var(--muted)]">
            {alerts.high + connector.filter((a) => a.severity === 'high').length} high severity.
          </p>
          <Link href="#alerts" className={buttonClass('secondary', 'mt-3')}>
            Review alerts
          </Link>
        </Card>
        <Card title="Manage">
          <ul className="space-y-2 text-sm">
            <li>
              <Link className="underline" href="/admin/resources">
                Resources: discover, enable PIM, tree
              </Link>
            </li>
            {pimAdmin && (
              <li>
                <Link className="underline" href="/admin/users">
                  Users and groups
                </Link>
              </li>
            )}
            {pimAdmin && (
              <li>
                <Link className="underline" href="/admin/audit">
                  Tenant audit
                </Link>
              </li>
            )}
            {pimAdmin && (
              <li>
                <Link className="underline" href="/admin/outbox">
                  Outbox
                </Link>
              </li>
            )}
            {pimAdmin && (
              <li>
                <Link className="underline" href="/admin/connectors">
                  Connectors: targets and webhooks
                </Link>
              </li>
            )}
          </ul>
          {!adm.everywhere && adm.roots.length > 0 && (
            <div className="mt-3">
              <h3 className="text-sm font-medium">Scopes you manage</h3>
              <ul className="mt-1 space-y-1" aria-label="Scopes you manage">
                {adm.roots.slice(0, SCOPES_SHOWN).map((id) => (
                  <li key={id}>
                    <Link className="hover:underline" href={`/admin/scope?id=${encodeURIComponent(id)}`}>
                      <ScopePath crumbs={scopeCrumbs(index, id)} compact />
                    </Link>
                  </li>
                ))}
              </ul>
              {adm.roots.length > SCOPES_SHOWN && (
                <p className="text-xs text-[var(--muted)]">…and {adm.roots.length - SCOPES_SHOWN} more; find them under Resources.</p>
              )}
            </div>
          )}
        </Card>
      </div>
      <Card title="Activations and approvals, last 14 days">
        <ActivityChart data={activity} />
      </Card>
      <section id="alerts" aria-labelledby="alerts-title" className="space-y-3">
        <h2 id="alerts-title" className="text-lg font-semibold">
          Alerts
        </h2>
        {problem && <Notice tone="warning">{problem}</Notice>}
        {connector.length > 0 && <AlertList alerts={connector} label="Connector alerts" />}
        <AlertList alerts={alerts.items} />
        <AlertPager page={page} pageSize={ALERTS_PER_PAGE} total={alerts.total} href={(p) => `/admin?alerts=${p}#alerts`} />
      </section>
    </div>
  );
}
