import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/lib/db';
import { connectorsOverview, type ConnectorOverview } from '@/lib/connectors/views';
import { CONNECTOR_ID } from '@/lib/connectors/spec';
import { Card, EmptyState, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { Cell, Row, RoleTable } from '@/components/activation/role-table';
import { CONNECTORS_DENIED, ConnectorStatusBadge, TYPE_LABEL, pendingText } from '@/components/admin/connectors/labels';
import { refusal } from '../_lib/deny';
import { adminContext, tenantPimAdmin } from '../_lib/context';
import { singleValues } from '../_lib/search';

export const metadata: Metadata = { title: 'Connectors' };
export const dynamic = 'force-dynamic';

/**
 * Every connector with its health at a glance: one SQL read of per-connector aggregates
 * (lib/connectors/views.ts), so the list costs the number of connectors, not of grants.
 */
export default async function ConnectorsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await adminContext();
  if (!tenantPimAdmin(ctx)) return refusal({ reason: CONNECTORS_DENIED });
  const sp = singleValues(await searchParams, ['removed'] as const);
  const rows = connectorsOverview(getDb(), ctx.now);
  const removed = sp.removed && CONNECTOR_ID.test(sp.removed) ? sp.removed : null;
  const create = (
    <Link href="/admin/connectors/new" className={buttonClass('primary')}>
      New connector
    </Link>
  );
  return (
    <div className="space-y-4">
      <PageHeader
        title="Connectors"
        actions={create}
        description="Targets where Elevate grants access while a role is active (PostgreSQL), and webhooks that receive what happens in Elevate."
      />
      {removed && <Notice tone="success">{removed} removed. Elevate revokes what it granted through it, then deletes it.</Notice>}
      {rows.length === 0 ? (
        <EmptyState>
          No connectors yet. A connector makes activations real outside Elevate: a binding maps a role at a resource to a PostgreSQL group
          role, granted when someone activates and revoked when the activation ends; a webhook sends each activation, request and finding to
          another system, signed and in order.{' '}
          <Link href="/admin/connectors/new" className="font-medium text-indigo-700 underline dark:text-indigo-300">
            New connector
          </Link>
        </EmptyState>
      ) : (
        <Card title={`Connectors (${rows.length})`}>
          <RoleTable
            caption="Connectors"
            headers={['Connector', 'Status', 'Source', 'Bindings', 'Last reconcile', 'Pending work', 'Open drift']}
          >
            {rows.map((c) => (
              <OverviewRow key={c.id} c={c} />
            ))}
          </RoleTable>
        </Card>
      )}
    </div>
  );
}

function OverviewRow({ c }: { c: ConnectorOverview }) {
  return (
    <Row>
      <Cell label="Connector">
        <Link
          href={`/admin/connectors/${c.id}`}
          className="font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
        >
          {c.name}
        </Link>
        <p className="text-xs text-[var(--muted)]">
          {TYPE_LABEL[c.type]} · <code>{c.id}</code>
        </p>
      </Cell>
      <Cell label="Status">
        <ConnectorStatusBadge status={c.status} />
        {c.pausedReason && <p className="mt-1 text-xs text-[var(--muted)]">{c.pausedReason}</p>}
      </Cell>
      <Cell label="Source">{c.readOnly ? 'Connectors file (read-only)' : 'Portal'}</Cell>
      <Cell label="Bindings">{c.type === 'webhook' ? '—' : c.bindings}</Cell>
      <Cell label="Last reconcile">
        <Time at={c.lastReconcileAt} />
      </Cell>
      <Cell label="Pending work">{pendingText(c.pending)}</Cell>
      <Cell label="Open drift">{c.drift}</Cell>
    </Row>
  );
}
