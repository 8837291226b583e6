import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { utcStamp } from '@/lib/notify/utc';

/**
 * Alerts about connectors, for tenant PIM administrators: access found in a target that
 * Elevate did not grant ("access outside PIM", as Entra PIM calls it), a binding that keeps
 * failing, a webhook endpoint paused after a day of failures, and grants the target refused.
 * Each is one small query over the connector tables (a few rows each), read per view.
 */
export interface ConnectorAlert {
  key: string;
  severity: 'high' | 'medium';
  title: string;
  detail: string[];
  moreDetail: number;
  fixHref: string;
  fixLabel: string;
}

/** A binding is "failing" once retries have not helped for this long (a blip is not an alert). */
export const FAILING_AFTER_MS = 5 * 60_000;
const SHOWN = 8;
const utc = utcStamp;
const href = (id: string) => `/admin/connectors/${encodeURIComponent(id)}`;

export function connectorAlerts(db: DbOrTx, now: number): ConnectorAlert[] {
  const out: ConnectorAlert[] = [];
  const scopeName = (b: { scopeName: string | null; scopeId: string }) => b.scopeName ?? b.scopeId;

  const drift = db.all<{
    bindingId: string;
    connectorId: string;
    scopeId: string;
    scopeName: string | null;
    mode: string;
    target: string;
    login: string;
    firstSeen: number;
  }>(sql`
    SELECT d.binding_id AS bindingId, b.connector_id AS connectorId, b.scope_id AS scopeId, r.display_name AS scopeName, b.mode,
      d.target, d.login, d.first_seen AS firstSeen
    FROM connector_drift d JOIN connector_bindings b ON b.id = d.binding_id LEFT JOIN resources r ON r.id = b.scope_id
    WHERE d.resolved_at IS NULL ORDER BY d.binding_id, d.first_seen`);
  for (const rows of groupBy(drift, (d) => d.bindingId)) {
    const b = rows[0];
    out.push({
      key: `drift-${b.bindingId}`,
      severity: 'high',
      title: `Access outside PIM: ${rows.length} grant${rows.length === 1 ? '' : 's'} in ${b.connectorId} for ${scopeName(b)} that Elevate did not make`,
      detail: rows
        .slice(0, SHOWN)
        .map((d) => `${d.login} is a member of ${d.target} (found ${utc(d.firstSeen)})${b.mode === 'report' ? '' : '; being revoked'}`),
      moreDetail: Math.max(0, rows.length - SHOWN),
      fixHref: href(b.connectorId),
      fixLabel: 'Review the binding',
    });
  }

  const failing = db.all<{
    id: string;
    connectorId: string;
    scopeId: string;
    scopeName: string | null;
    lastError: string | null;
    failingSince: number;
    failures: number;
  }>(sql`
    SELECT b.id, b.connector_id AS connectorId, b.scope_id AS scopeId, r.display_name AS scopeName, b.last_error AS lastError,
      b.failing_since AS failingSince, b.failures
    FROM connector_bindings b LEFT JOIN resources r ON r.id = b.scope_id
    WHERE b.failing_since IS NOT NULL AND b.failing_since <= ${now - FAILING_AFTER_MS} ORDER BY b.failing_since`);
  for (const b of failing) {
    out.push({
      key: `failing-${b.id}`,
      severity: 'high',
      title: `Connector ${b.connectorId} cannot reconcile ${scopeName(b)} since ${utc(b.failingSince)}: grants and revocations wait`,
      detail: [`${b.failures} failed attempts; last error: ${b.lastError ?? 'unknown'}`],
      moreDetail: 0,
      fixHref: href(b.connectorId),
      fixLabel: 'Test the connection',
    });
  }

  for (const c of db.all<{ id: string; reason: string | null }>(
    sql`SELECT id, paused_reason AS reason FROM connectors WHERE type = 'webhook' AND state = 'paused' AND removed_at IS NULL ORDER BY id`,
  )) {
    out.push({
      key: `paused-${c.id}`,
      severity: 'high',
      title: `Webhook ${c.id} is paused: events are not being delivered`,
      detail: c.reason ? [c.reason] : [],
      moreDetail: 0,
      fixHref: href(c.id),
      fixLabel: 'Resume the endpoint',
    });
  }

  const refused = db.all<{ connectorId: string; target: string; login: string; error: string }>(sql`
    SELECT b.connector_id AS connectorId, g.target, g.login, g.last_error AS error
    FROM connector_grants g JOIN connector_bindings b ON b.id = g.binding_id
    WHERE g.last_error IS NOT NULL ORDER BY b.connector_id, g.target, g.login`);
  for (const rows of groupBy(refused, (g) => g.connectorId)) {
    out.push({
      key: `refused-${rows[0].connectorId}`,
      severity: 'medium',
      title:
        `${rows.length} grant${rows.length === 1 ? '' : 's'} in ${rows[0].connectorId} could not be made: ` +
        'people hold a role the target does not give them',
      detail: rows.slice(0, SHOWN).map((g) => `${g.login} → ${g.target}: ${g.error}`),
      moreDetail: Math.max(0, rows.length - SHOWN),
      fixHref: href(rows[0].connectorId),
      fixLabel: 'Review the connector',
    });
  }
  return out;
}

function groupBy<T>(rows: T[], key: (r: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return [...m.values()];
}
