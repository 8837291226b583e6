import 'server-only';
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import type { WebhookDelivery } from '@/db/schema';
import { keysetPage, type Page, type Seek } from '@/lib/portal/keyset';
import { EVENT_TYPES } from './events';
import type { LoginRule } from './spec';

/**
 * What Admin › Connectors shows, read in SQL: counts are aggregates per connector or
 * binding, lists are capped or keyset-paged, so a page costs the same with ten grants or
 * a hundred thousand. Secrets never leave here: a connector says where its secret comes
 * from, never what it is.
 */

/** Counts past this show as "1000+": a paused webhook's backlog is not counted to the end. */
export const COUNT_CAP = 1000;
/** Failing grants and open drift shown per binding; the count says how many more there are. */
export const LIST_CAP = 20;
export const DELIVERIES_PAGE = 25;
/** A delivery's place in the log, newest first: its id (the log only grows). */
export const DELIVERY_KEY = ['n'] as const;

const ALL_EVENTS = JSON.stringify(EVENT_TYPES);
/** The webhook's subscribed types; options without a list mean every type (as the dispatcher reads them). */
const subscribed = sql`(SELECT value FROM json_each(coalesce(json_extract(c.options, '$.events'), ${ALL_EVENTS})))`;

export type ConnectorStatus = 'Healthy' | 'Failing' | 'Paused' | 'Drift';

export interface Capped {
  n: number;
  more: boolean;
}
const capped = (n: number): Capped => (n > COUNT_CAP ? { n: COUNT_CAP, more: true } : { n, more: false });

export interface ConnectorOverview {
  id: string;
  name: string;
  type: 'postgresql' | 'webhook';
  source: 'file' | 'portal';
  readOnly: boolean;
  state: 'active' | 'paused';
  pausedReason: string | null;
  bindings: number;
  /** latest of its bindings' reconciles or its latest delivery */
  lastReconcileAt: number | null;
  pending: { grants: number; retrying: number; due: number; events: Capped };
  failing: boolean;
  drift: number;
  status: ConnectorStatus;
}

interface OverviewRow {
  id: string;
  name: string;
  type: 'postgresql' | 'webhook';
  source: 'file' | 'portal';
  state: 'active' | 'paused';
  pausedReason: string | null;
  headFailingSince: number | null;
  bindings: number;
  lastBindingAt: number | null;
  lastDeliveryAt: number | null;
  retrying: number;
  due: number;
  failingBindings: number;
  pendingGrants: number | null;
  failingGrants: number | null;
  drift: number;
  pendingEvents: number;
}

export function statusOf(s: { state: string; failing: boolean; drift: number }): ConnectorStatus {
  if (s.state === 'paused') return 'Paused';
  if (s.failing) return 'Failing';
  return s.drift > 0 ? 'Drift' : 'Healthy';
}

/** One row per connector not removed. `now` decides which window changes are due and not yet applied. */
export function connectorsOverview(db: DbOrTx, now: number): ConnectorOverview[] {
  const rows = db.all<OverviewRow>(sql`
    SELECT c.id, c.display_name AS name, c.type, c.source, c.state, c.paused_reason AS pausedReason, c.head_failing_since AS headFailingSince,
      (SELECT count(*) FROM connector_bindings b WHERE b.connector_id = c.id AND b.removed_at IS NULL) AS bindings,
      (SELECT max(b.last_reconcile_at) FROM connector_bindings b WHERE b.connector_id = c.id) AS lastBindingAt,
      (SELECT d.at FROM webhook_deliveries d WHERE d.connector_id = c.id ORDER BY d.id DESC LIMIT 1) AS lastDeliveryAt,
      (SELECT count(*) FROM connector_bindings b WHERE b.connector_id = c.id AND b.next_attempt_at IS NOT NULL) AS retrying,
      (SELECT count(*) FROM connector_bindings b WHERE b.connector_id = c.id AND b.removed_at IS NULL AND b.next_change_at <= ${now}) AS due,
      (SELECT count(*) FROM connector_bindings b WHERE b.connector_id = c.id AND b.failures > 0) AS failingBindings,
      (SELECT sum(g.state IN ('granting', 'revoking')) FROM connector_bindings b JOIN connector_grants g ON g.binding_id = b.id
        WHERE b.connector_id = c.id) AS pendingGrants,
      (SELECT sum(g.last_error IS NOT NULL) FROM connector_bindings b JOIN connector_grants g ON g.binding_id = b.id
        WHERE b.connector_id = c.id) AS failingGrants,
      (SELECT count(*) FROM connector_bindings b JOIN connector_drift d ON d.binding_id = b.id WHERE b.connector_id = c.id AND d.resolved_at IS NULL) AS drift,
      CASE WHEN c.type = 'webhook' THEN (SELECT count(*) FROM (
        SELECT 1 FROM connector_events e WHERE e.seq > c.event_cursor AND e.type IN ${subscribed} LIMIT ${COUNT_CAP + 1}
      )) ELSE 0 END AS pendingEvents
    FROM connectors c WHERE c.removed_at IS NULL ORDER BY c.display_name, c.id`);
  return rows.map((r) => {
    const failing = r.state === 'paused' || r.failingBindings > 0 || (r.failingGrants ?? 0) > 0 || r.headFailingSince !== null;
    const last = Math.max(r.lastBindingAt ?? -1, r.lastDeliveryAt ?? -1);
    return {
      id: r.id,
      name: r.name,
      type: r.type,
      source: r.source,
      readOnly: r.source === 'file',
      state: r.state,
      pausedReason: r.pausedReason,
      bindings: r.bindings,
      lastReconcileAt: last < 0 ? null : last,
      pending: { grants: r.pendingGrants ?? 0, retrying: r.retrying, due: r.due, events: capped(r.pendingEvents) },
      failing,
      drift: r.drift,
      status: statusOf({ state: r.state, failing, drift: r.drift }),
    };
  });
}

export interface FailingGrant {
  target: string;
  login: string;
  userName: string | null;
  lastError: string;
}
export interface OpenDrift {
  id: number;
  target: string;
  login: string;
  firstSeen: number;
  lastSeen: number;
}

export interface BindingDetail {
  id: string;
  scopeId: string;
  /** null when the resource left the tree: the binding grants nothing then */
  armId: string | null;
  resourceName: string | null;
  mode: 'report' | 'enforce';
  source: 'file' | 'portal';
  /** set while the reconciler revokes what the binding granted before deleting it */
  removedAt: number | null;
  roles: { roleId: string; roleName: string | null; target: string }[];
  lastReconcileAt: number | null;
  lastFullAt: number | null;
  nextChangeAt: number | null;
  /** a window start or end has passed and the reconciler has yet to apply it */
  changeDue: boolean;
  nextAttemptAt: number | null;
  failures: number;
  failingSince: number | null;
  lastError: string | null;
  granted: number;
  pendingGrants: number;
  failingGrants: { rows: FailingGrant[]; total: number };
  drift: { rows: OpenDrift[]; total: number };
}

export interface WebhookDetail {
  url: string;
  events: string[];
  cursor: number;
  journalHead: number;
  pendingEvents: Capped;
  /** the event being delivered (or next to be): nothing behind it goes out first */
  head: { seq: number; id: string; type: string; at: number } | null;
  headAttempts: number;
  headNextAt: number | null;
  headFailingSince: number | null;
}

export interface ConnectorDetail {
  id: string;
  name: string;
  type: 'postgresql' | 'webhook';
  source: 'file' | 'portal';
  readOnly: boolean;
  state: 'active' | 'paused';
  pausedReason: string | null;
  /** where the secret comes from, in words; never the secret */
  secretFrom: string;
  postgres: { login: LoginRule; terminateSessions: boolean } | null;
  webhook: WebhookDetail | null;
  createdAt: number;
  bindings: BindingDetail[];
  status: ConnectorStatus;
}

interface ConnectorRow {
  id: string;
  name: string;
  type: 'postgresql' | 'webhook';
  source: 'file' | 'portal';
  options: string;
  secretRef: string | null;
  sealed: number;
  state: 'active' | 'paused';
  pausedReason: string | null;
  eventCursor: number;
  headAttempts: number;
  headNextAt: number | null;
  headFailingSince: number | null;
  createdAt: number;
}
interface BindingRow {
  id: string;
  scopeId: string;
  armId: string | null;
  resourceName: string | null;
  mode: 'report' | 'enforce';
  roles: string;
  source: 'file' | 'portal';
  removedAt: number | null;
  lastReconcileAt: number | null;
  lastFullAt: number | null;
  nextChangeAt: number | null;
  nextAttemptAt: number | null;
  failures: number;
  failingSince: number | null;
  lastError: string | null;
  granted: number | null;
  pendingGrants: number | null;
  failingGrants: number | null;
  drift: number;
}

/** The connector page's data at `now`, or null when there is no such connector (or it is being removed). */
export function connectorDetail(db: DbOrTx, id: string, now: number): ConnectorDetail | null {
  const c = db.get<ConnectorRow>(sql`
    SELECT id, display_name AS name, type, source, options, secret_ref AS secretRef, secret_sealed IS NOT NULL AS sealed, state, paused_reason AS pausedReason,
      event_cursor AS eventCursor, head_attempts AS headAttempts, head_next_at AS headNextAt, head_failing_since AS headFailingSince, created_at AS createdAt
    FROM connectors WHERE id = ${id} AND removed_at IS NULL`);
  if (!c) return null;
  const options = JSON.parse(c.options) as Record<string, unknown>;
  const bindings = bindingsOf(db, c.id, now);
  const failing = c.state === 'paused' || c.headFailingSince !== null || bindings.some((b) => b.failures > 0 || b.failingGrants.total > 0);
  const drift = bindings.reduce((n, b) => n + b.drift.total, 0);
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    source: c.source,
    readOnly: c.source === 'file',
    state: c.state,
    pausedReason: c.pausedReason,
    secretFrom: c.secretRef
      ? `environment variable ${c.secretRef.slice('env:'.length)}`
      : c.sealed
        ? 'sealed in the database with the encryption key'
        : 'none set',
    postgres:
      c.type === 'postgresql'
        ? { login: (options.login as LoginRule | undefined) ?? 'email-local-part', terminateSessions: options.terminateSessions !== false }
        : null,
    webhook: c.type === 'webhook' ? webhookOf(db, c, options) : null,
    createdAt: c.createdAt,
    bindings,
    status: statusOf({ state: c.state, failing, drift }),
  };
}

function bindingsOf(db: DbOrTx, connectorId: string, now: number): BindingDetail[] {
  const rows = db.all<BindingRow>(sql`
    SELECT b.id, b.scope_id AS scopeId, r.arm_id AS armId, r.display_name AS resourceName, b.mode, b.roles, b.source, b.removed_at AS removedAt,
      b.last_reconcile_at AS lastReconcileAt, b.last_full_at AS lastFullAt, b.next_change_at AS nextChangeAt, b.next_attempt_at AS nextAttemptAt,
      b.failures, b.failing_since AS failingSince, b.last_error AS lastError,
      (SELECT sum(g.state = 'granted') FROM connector_grants g WHERE g.binding_id = b.id) AS granted,
      (SELECT sum(g.state IN ('granting', 'revoking')) FROM connector_grants g WHERE g.binding_id = b.id) AS pendingGrants,
      (SELECT sum(g.last_error IS NOT NULL) FROM connector_grants g WHERE g.binding_id = b.id) AS failingGrants,
      (SELECT count(*) FROM connector_drift d WHERE d.binding_id = b.id AND d.resolved_at IS NULL) AS drift
    FROM connector_bindings b LEFT JOIN resources r ON r.id = b.scope_id
    WHERE b.connector_id = ${connectorId} ORDER BY b.removed_at IS NOT NULL, b.created_at, b.id`);
  const mapped = rows.map((b) => ({ b, roles: Object.entries(JSON.parse(b.roles) as Record<string, string>) }));
  const roleIds = [...new Set(mapped.flatMap((m) => m.roles.map(([roleId]) => roleId)))];
  const names = new Map(
    roleIds.length === 0
      ? []
      : db
          .all<{ id: string; name: string }>(
            sql`SELECT id, name FROM role_definitions WHERE id IN (${sql.join(
              roleIds.map((r) => sql`${r}`),
              sql`, `,
            )})`,
          )
          .map((r) => [r.id, r.name]),
  );
  return mapped.map(({ b, roles }) => ({
    id: b.id,
    scopeId: b.scopeId,
    armId: b.armId,
    resourceName: b.resourceName,
    mode: b.mode,
    source: b.source,
    removedAt: b.removedAt,
    roles: roles.map(([roleId, target]) => ({ roleId, roleName: names.get(roleId) ?? null, target })),
    lastReconcileAt: b.lastReconcileAt,
    lastFullAt: b.lastFullAt,
    nextChangeAt: b.nextChangeAt,
    nextAttemptAt: b.nextAttemptAt,
    changeDue: b.removedAt === null && b.nextChangeAt !== null && b.nextChangeAt <= now,
    failures: b.failures,
    failingSince: b.failingSince,
    lastError: b.lastError,
    granted: b.granted ?? 0,
    pendingGrants: b.pendingGrants ?? 0,
    failingGrants: {
      total: b.failingGrants ?? 0,
      rows:
        (b.failingGrants ?? 0) === 0
          ? []
          : db.all<FailingGrant>(sql`
        SELECT g.target, g.login, u.display_name AS userName, g.last_error AS lastError FROM connector_grants g LEFT JOIN users u ON u.id = g.user_id
        WHERE g.binding_id = ${b.id} AND g.last_error IS NOT NULL ORDER BY g.target, g.login LIMIT ${LIST_CAP}`),
    },
    drift: {
      total: b.drift,
      rows:
        b.drift === 0
          ? []
          : db.all<OpenDrift>(sql`
        SELECT id, target, login, first_seen AS firstSeen, last_seen AS lastSeen FROM connector_drift
        WHERE binding_id = ${b.id} AND resolved_at IS NULL ORDER BY first_seen DESC, id DESC LIMIT ${LIST_CAP}`),
    },
  }));
}

function webhookOf(db: DbOrTx, c: ConnectorRow, options: Record<string, unknown>): WebhookDetail {
  const journalHead = db.get<{ seq: number }>(sql`SELECT coalesce(max(seq), 0) AS seq FROM connector_events`)?.seq ?? 0;
  const pending =
    db.get<{ n: number }>(sql`
    SELECT count(*) AS n FROM (SELECT 1 FROM connectors c, connector_events e
      WHERE c.id = ${c.id} AND e.seq > c.event_cursor AND e.type IN ${subscribed} LIMIT ${COUNT_CAP + 1})`)?.n ?? 0;
  const head =
    db.get<{ seq: number; id: string; type: string; at: number }>(sql`
    SELECT e.seq, e.id, e.type, e.at FROM connectors c, connector_events e
    WHERE c.id = ${c.id} AND e.seq > c.event_cursor AND e.type IN ${subscribed} ORDER BY e.seq LIMIT 1`) ?? null;
  return {
    url: typeof options.url === 'string' ? options.url : '',
    events: Array.isArray(options.events) ? (options.events as string[]) : [...EVENT_TYPES],
    cursor: c.eventCursor,
    journalHead,
    pendingEvents: capped(pending),
    head,
    headAttempts: c.headAttempts,
    headNextAt: c.headNextAt,
    headFailingSince: c.headFailingSince,
  };
}

/** One page of a webhook's delivery log, newest first, DELIVERIES_PAGE rows, keyset-paged on the log's index. */
export function deliveriesPage(db: DbOrTx, connectorId: string, seek: Seek): Page<WebhookDelivery> {
  return keysetPage(
    seek,
    DELIVERIES_PAGE,
    (dir, from, limit) => {
      const forward = dir === 'forward';
      const past = from ? sql`AND id ${sql.raw(forward ? '<' : '>')} ${from[0]}` : sql``;
      return db
        .all<WebhookDelivery>(
          sql`
      SELECT id, connector_id AS connectorId, event_seq AS eventSeq, event_id AS eventId, event_type AS eventType, attempt, at,
        status_code AS statusCode, error, duration_ms AS durationMs, outcome, redelivery = 1 AS redelivery, actor_id AS actorId
      FROM webhook_deliveries WHERE connector_id = ${connectorId} ${past}
      ORDER BY id ${sql.raw(forward ? 'DESC' : 'ASC')} LIMIT ${limit}`,
        )
        .map((d) => ({ ...d, redelivery: Boolean(d.redelivery) }));
    },
    (d) => [d.id],
  );
}
