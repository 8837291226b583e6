import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/lib/db';
import { connectorDetail, type ConnectorDetail } from '@/lib/connectors/views';
import { CONNECTOR_ID } from '@/lib/connectors/spec';
import { Card, PageHeader } from '@/components/ui/card';
import { buttonClass } from '@/components/ui/button';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { CopyButton } from '@/components/ui/copy-button';
import { AutoRefresh } from '@/components/activation/auto-refresh';
import { CONNECTORS_DENIED, ConnectorStatusBadge, LOGIN_RULE_TEXT, TYPE_LABEL } from '@/components/admin/connectors/labels';
import {
  ReconcileNowButton,
  RemoveConnectorButton,
  ResumeWebhookButton,
  TestConnectionButton,
} from '@/components/admin/connectors/connector-actions';
import { refusal } from '../../_lib/deny';
import { adminContext, tenantPimAdmin } from '../../_lib/context';
import { singleValues } from '../../_lib/search';
import { Bindings } from './bindings';
import { Deliveries, WebhookState } from './webhook';

export const metadata: Metadata = { title: 'Connector' };
export const dynamic = 'force-dynamic';

/**
 * One connector: its state, what it is doing, and the controls that fit its source. A
 * connector from the connectors file is changed in the file, so only the operational
 * controls (test, reconcile, resume, redeliver) show; they change no definition.
 */
export default async function ConnectorPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const ctx = await adminContext();
  if (!tenantPimAdmin(ctx)) return refusal({ reason: CONNECTORS_DENIED });
  const { id } = await params;
  if (!CONNECTOR_ID.test(id)) notFound();
  const c = connectorDetail(getDb(), id, ctx.now);
  if (!c) notFound();
  const sp = singleValues(await searchParams, ['after', 'before'] as const);
  const live = c.bindings.filter((b) => b.removedAt === null);
  return (
    <div className="space-y-6">
      <AutoRefresh everyMs={10_000} />
      <PageHeader
        title={c.name}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            {TYPE_LABEL[c.type]} · {c.readOnly ? 'from the connectors file' : 'made in the portal'} ·{' '}
            <ConnectorStatusBadge status={c.status} />
          </span>
        }
        actions={
          <Link href="/admin/connectors" className={buttonClass('secondary')}>
            All connectors
          </Link>
        }
      />
      {c.readOnly && (
        <Notice tone="info" title="Defined in the connectors file; change it there.">
          Its bindings, mode and removal follow the file each time Elevate starts.
        </Notice>
      )}
      {c.state === 'paused' && (
        <Notice tone="warning" title="Deliveries are paused">
          <p>{c.pausedReason ?? 'Deliveries failed for 24 hours.'} Nothing is sent until you resume; events wait in order.</p>
          <div className="mt-2">
            <ResumeWebhookButton connectorId={c.id} />
          </div>
        </Notice>
      )}
      <Card title="Connection">
        <Facts c={c} />
        <div className="mt-4 flex flex-wrap items-start gap-3">
          <TestConnectionButton connectorId={c.id} />
          {c.type === 'postgresql' && <ReconcileNowButton connectorId={c.id} />}
          {!c.readOnly && (
            <RemoveConnectorButton
              connectorId={c.id}
              name={c.name}
              bindings={live.length}
              granted={live.reduce((n, b) => n + b.granted, 0)}
              webhook={c.type === 'webhook'}
            />
          )}
        </div>
      </Card>
      {c.type === 'postgresql' ? (
        <Bindings c={c} index={ctx.index} />
      ) : (
        <>
          <WebhookState c={c} />
          <Deliveries c={c} after={sp.after} before={sp.before} />
        </>
      )}
    </div>
  );
}

function Facts({ c }: { c: ConnectorDetail }) {
  const facts: [string, React.ReactNode][] = [
    [
      'Id',
      <span key="id" className="inline-flex items-center gap-1">
        <code>{c.id}</code>
        <CopyButton value={c.id} label={`Copy id of ${c.name}`} />
      </span>,
    ],
    ['Secret', c.secretFrom],
    ...(c.postgres
      ? ([
          ['Login rule', `Each person signs in to PostgreSQL as ${LOGIN_RULE_TEXT[c.postgres.login] ?? c.postgres.login}.`],
          ['On revoke', c.postgres.terminateSessions ? 'Open sessions of the login are ended too.' : 'Open sessions are left running.'],
        ] as [string, React.ReactNode][])
      : []),
    ...(c.webhook
      ? ([
          [
            'URL',
            <span key="url" className="inline-flex items-center gap-1 break-all">
              <code>{c.webhook.url}</code>
              <CopyButton value={c.webhook.url} label="Copy the URL" />
            </span>,
          ],
        ] as [string, React.ReactNode][])
      : []),
    ['Created', <Time key="t" at={c.createdAt} />],
  ];
  return (
    <dl className="grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
      {facts.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="font-medium text-[var(--muted)]">{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
