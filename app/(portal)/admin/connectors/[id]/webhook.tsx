import { getDb } from '@/lib/db';
import { DELIVERY_KEY, deliveriesPage, type ConnectorDetail } from '@/lib/connectors/views';
import { decodeCursor } from '@/lib/portal/keyset';
import { Card, EmptyState } from '@/components/ui/card';
import { Notice } from '@/components/ui/notice';
import { Time } from '@/components/ui/time';
import { Cell, Row, RoleTable } from '@/components/activation/role-table';
import { DeliveryOutcomeBadge } from '@/components/admin/connectors/labels';
import { RedeliverButton } from '@/components/admin/connectors/connector-actions';
import { Pager } from '../../users/pager';

/** Where the endpoint stands in the journal: delivered up to date, or which event it is retrying. */
export function WebhookState({ c }: { c: ConnectorDetail }) {
  const w = c.webhook!;
  const waiting = `${w.pendingEvents.n}${w.pendingEvents.more ? '+' : ''}`;
  return (
    <Card title="Events">
      <p className="text-sm">
        Subscribed to {w.events.length} event type{w.events.length === 1 ? '' : 's'}:
      </p>
      <ul aria-label="Subscribed events" className="mt-1 flex flex-wrap gap-1 text-xs">
        {w.events.map((e) => (
          <li key={e}>
            <code className="rounded bg-slate-100 px-1.5 py-0.5 dark:bg-slate-800">{e}</code>
          </li>
        ))}
      </ul>
      <div className="mt-3 text-sm">
        {!w.head ? (
          <p>Up to date: every subscribed event so far has been handed over. New events go out within seconds, in order.</p>
        ) : (
          <div className="space-y-1">
            <p>
              {waiting} event{waiting === '1' ? '' : 's'} waiting. Next: <code>{w.head.type}</code>{' '}
              <code className="text-xs">{w.head.id}</code>, <Time at={w.head.at} prefix="recorded" />.
            </p>
            {w.headAttempts > 0 && (
              <p className="text-red-700 dark:text-red-400">
                {w.headAttempts} attempt{w.headAttempts === 1 ? '' : 's'} failed
                {w.headFailingSince !== null && (
                  <>
                    {' '}
                    since <Time at={w.headFailingSince} />
                  </>
                )}
                . Nothing behind it is sent until it is accepted
                {w.headNextAt !== null && (
                  <>
                    ; <Time at={w.headNextAt} prefix="next attempt" />
                  </>
                )}
                .
              </p>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}

/** "HTTP 200", "HTTP 500", "HTTP 302: redirects are not followed", "Timed out after 10000 ms": the error already names the status when there is one. */
function answerOf(d: { statusCode: number | null; error: string | null }): string {
  if (d.error) return d.statusCode !== null && !d.error.startsWith(`HTTP ${d.statusCode}`) ? `HTTP ${d.statusCode} · ${d.error}` : d.error;
  return d.statusCode !== null ? `HTTP ${d.statusCode}` : '—';
}

/** The delivery log, newest first, 25 a page (keyset-paged in SQL), each row with Redeliver. */
export function Deliveries({ c, after, before }: { c: ConnectorDetail; after?: string; before?: string }) {
  const token = after ?? before;
  const key = token === undefined ? null : decodeCursor(token, DELIVERY_KEY);
  const page = deliveriesPage(getDb(), c.id, key ? (after !== undefined ? { after: key } : { before: key }) : {});
  const href = (k: 'after' | 'before', t: string | null) =>
    t ? `/admin/connectors/${encodeURIComponent(c.id)}?${k}=${t}#deliveries` : null;
  return (
    <Card title="Delivery log" className="scroll-mt-4">
      <span id="deliveries" />
      {token !== undefined && !key && (
        <Notice tone="warning" className="mb-3">
          That page link is not one of this log’s; showing the newest deliveries.
        </Notice>
      )}
      {page.rows.length === 0 ? (
        <EmptyState>No deliveries yet. Each subscribed event is delivered within seconds of happening.</EmptyState>
      ) : (
        <RoleTable
          caption={`Deliveries to ${c.name}, newest first`}
          headers={['Time', 'Event type', 'Event id', 'Attempt', 'Outcome', 'HTTP status / error', 'Duration', 'Actions']}
        >
          {page.rows.map((d) => (
            <Row key={d.id}>
              <Cell label="Time">
                <Time at={d.at} />
              </Cell>
              <Cell label="Event type">
                <code>{d.eventType}</code>
              </Cell>
              <Cell label="Event id">
                <code className="break-all text-xs">{d.eventId}</code>
              </Cell>
              <Cell label="Attempt">
                {d.attempt}
                {d.redelivery ? ' (redelivery)' : ''}
              </Cell>
              <Cell label="Outcome">
                <DeliveryOutcomeBadge outcome={d.outcome} />
              </Cell>
              <Cell label="HTTP status / error">{answerOf(d)}</Cell>
              <Cell label="Duration">{d.durationMs !== null ? `${d.durationMs} ms` : '—'}</Cell>
              <Cell label="Redeliver">
                <RedeliverButton connectorId={c.id} deliveryId={d.id} />
              </Cell>
            </Row>
          ))}
        </RoleTable>
      )}
      <Pager label="Pages of deliveries" prev={href('before', page.prev)} next={href('after', page.next)} />
    </Card>
  );
}
