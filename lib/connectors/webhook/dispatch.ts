import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import type { Db, DbOrTx, Tx } from '@/db/client';
import { connectorEvents, connectors, webhookDeliveries, type Connector, type ConnectorEvent, type WebhookDelivery } from '@/db/schema';
import { writeAudit } from '@/lib/audit/write';
import { EVENT_TYPES } from '@/lib/connectors/events';
import type { WebhookOptions } from '@/lib/connectors/spec';
import { webhookSecretProblem, WEBHOOK_SECRET_PREFIX } from './secret';
import { postWebhook, type PostResult } from './post';
import { checkWebhookUrl, type Lookup } from './url-guard';

/**
 * Signed webhooks (ADR 080, Standard Webhooks). Each endpoint receives its subscribed
 * journal events in journal order, at least once: the head (first subscribed event past
 * the cursor) is retried with backoff until it is accepted, and nothing behind it is sent
 * meanwhile, so receivers never see an `ended` before its `started`. The webhook-id is the
 * event's stable id, so receivers dedupe retries and redeliveries by it.
 *
 * The caller (the reconciler loop) holds the endpoint's lease, so one process delivers per
 * endpoint. better-sqlite3 transactions are synchronous, so the HTTP call happens outside
 * and its outcome is written in one transaction after it.
 */
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
export const RETRY_SCHEDULE_MS = [5 * SEC, 30 * SEC, 2 * MIN, 10 * MIN, 30 * MIN, HOUR];
export const RETRY_EVERY_MS = 2 * HOUR;
export const GIVE_UP_AFTER_MS = 24 * HOUR;
export const BATCH_MAX = 100;
/** signatures carry the call's `now`; receivers reject timestamps older than 5 minutes */
export const BATCH_WALL_MS = 60 * SEC;
export const DEFAULT_TIMEOUT_MS = 10 * SEC;
export const USER_AGENT = 'Elevate-Webhooks/1';

export interface DeliverOptions {
  secret: string;
  allowPrivate: boolean;
  /**
   * Sends with this instead of postWebhook. For tests only: fetch resolves the host again
   * after the URL check, so an injected fetch loses the connect-time address check.
   */
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** resolves webhook hosts, for the URL check and the connection; the system resolver by default */
  lookup?: Lookup;
}
export interface DeliverResult {
  delivered: number;
  failed: number;
  paused: boolean;
  nextAt: number | null;
}
export interface WebhookActor {
  id: string;
  displayName: string;
}

/** The wait after the `attempt`-th consecutive failure, ±20 % so endpoints that failed together do not retry in lockstep. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = RETRY_SCHEDULE_MS[Math.max(1, Math.floor(attempt)) - 1] ?? RETRY_EVERY_MS;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The request body receivers get. */
export function payloadOf(e: ConnectorEvent): string {
  return JSON.stringify({ type: e.type, timestamp: new Date(e.at).toISOString(), data: { id: e.id, ...JSON.parse(e.subject) } });
}

function loadWebhook(db: DbOrTx, id: string): Connector {
  const c = db.select().from(connectors).where(eq(connectors.id, id)).get();
  if (!c) throw new Error(`Connector ${id} does not exist.`);
  if (c.type !== 'webhook') throw new Error(`Connector ${id} is not a webhook.`);
  return c;
}

function optionsOf(c: Connector): WebhookOptions {
  const o = JSON.parse(c.options) as Partial<WebhookOptions>;
  if (typeof o.url !== 'string' || !o.url) throw new Error(`Webhook ${c.id} has no URL.`);
  return { url: o.url, events: Array.isArray(o.events) ? o.events : [...EVENT_TYPES] };
}

/**
 * The first subscribed event past the cursor, or null after moving the cursor past the
 * unsubscribed rest. Safe without a transaction: SQLite has one writer and seq is
 * AUTOINCREMENT, so once `last` is visible every smaller seq is committed (or never will be).
 */
function nextHead(db: Db, c: Connector, events: string[]): ConnectorEvent | null {
  const last = db.get<{ seq: number | null }>(sql`SELECT max(seq) AS seq FROM connector_events`)?.seq ?? 0;
  if (last <= c.eventCursor) return null;
  const e = connectorEvents;
  const head =
    events.length === 0
      ? undefined
      : db
          .select()
          .from(e)
          .where(and(gt(e.seq, c.eventCursor), lte(e.seq, last), inArray(e.type, events)))
          .orderBy(asc(e.seq))
          .limit(1)
          .get();
  if (head) return head;
  db.update(connectors)
    .set({ eventCursor: last })
    .where(and(eq(connectors.id, c.id), eq(connectors.eventCursor, c.eventCursor)))
    .run();
  return null;
}

interface Attempt {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number | null;
}

/** Defence in depth: no error text we store or show may carry the key. */
function redact(text: string, secret: string): string {
  const bare = secret.startsWith(WEBHOOK_SECRET_PREFIX) ? secret.slice(WEBHOOK_SECRET_PREFIX.length) : secret;
  return [secret, bare].filter((s) => s.length >= 8).reduce((t, s) => t.split(s).join('[secret]'), text);
}

function describeError(err: unknown): string {
  const e = err as { message?: string; cause?: { code?: string; message?: string } } | null;
  const cause = e?.cause?.code ?? e?.cause?.message;
  const message = e?.message ?? String(err);
  return cause ? `${message}: ${cause}` : message;
}

/** The POST through an injected fetch (tests only), answered as postWebhook answers. Never throws. */
async function postWithFetch(
  doFetch: typeof fetch,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const res = await doFetch(url, { method: 'POST', headers, body, redirect: 'manual', signal: ac.signal });
    await res.body?.cancel().catch(() => {});
    const location = res.status >= 300 && res.status < 400 ? (res.headers.get('location') ?? undefined) : undefined;
    return { status: res.status, location };
  } catch (err) {
    return { status: 0, error: ac.signal.aborted ? `Timed out after ${timeoutMs} ms` : describeError(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** One signed POST of `e`. Never throws: every failure is an Attempt with words for the operator. */
async function send(url: string, e: ConnectorEvent, now: number, opts: DeliverOptions): Promise<Attempt> {
  const fail = (error: string, statusCode: number | null = null, durationMs: number | null = null): Attempt => ({
    ok: false,
    statusCode,
    error: redact(error, opts.secret),
    durationMs,
  });
  const secretProblem = webhookSecretProblem(opts.secret);
  if (secretProblem) return fail(secretProblem);
  // checked before every attempt: DNS answers change, and so does the URL. This gives the
  // operator the reason without a connection attempt; postWebhook checks again the
  // addresses it connects to, so an answer that changes after this (rebinding) is refused too.
  const guard = await checkWebhookUrl(url, { allowPrivate: opts.allowPrivate, lookup: opts.lookup });
  if (!guard.ok) return fail(guard.reason);

  const body = payloadOf(e);
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'webhook-id': e.id,
    'webhook-timestamp': String(Math.floor(now / 1000)),
    'webhook-signature': new Webhook(opts.secret).sign(e.id, new Date(now), body),
  };
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();
  const res = opts.fetch
    ? await postWithFetch(opts.fetch, url, body, headers, timeoutMs)
    : await postWebhook(url, body, headers, { allowPrivate: opts.allowPrivate, timeoutMs, lookup: opts.lookup });
  const durationMs = Math.round(performance.now() - started);
  if (res.error !== undefined || res.status === 0) return fail(res.error ?? 'No response', null, durationMs);
  if (res.status >= 200 && res.status < 300) return { ok: true, statusCode: res.status, error: null, durationMs };
  // a redirect could lead past the URL check, so 3xx is a failure the operator must fix
  if (res.status >= 300 && res.status < 400) {
    return fail(`HTTP ${res.status}: redirects are not followed${res.location ? ` (to ${res.location})` : ''}`, res.status, durationMs);
  }
  return fail(`HTTP ${res.status}`, res.status, durationMs);
}

type Step = { outcome: 'delivered' | 'failed' | 'given-up' | 'lost'; nextAt: number | null };

/** Writes one attempt at the head and moves the endpoint on; one transaction. */
function recordAttempt(tx: Tx, c: Connector, e: ConnectorEvent, a: Attempt, now: number): Step {
  const attempt = c.headAttempts + 1;
  const row = {
    connectorId: c.id,
    eventSeq: e.seq,
    eventId: e.id,
    eventType: e.type,
    attempt,
    at: now,
    statusCode: a.statusCode,
    error: a.error,
    durationMs: a.durationMs,
  };
  // only the attempt that read this head may move it: a resume during the request wins
  const unchanged = and(
    eq(connectors.id, c.id),
    eq(connectors.state, 'active'),
    eq(connectors.eventCursor, c.eventCursor),
    eq(connectors.headAttempts, c.headAttempts),
  );
  if (a.ok) {
    tx.insert(webhookDeliveries)
      .values({ ...row, outcome: 'delivered' })
      .run();
    const moved = tx
      .update(connectors)
      .set({ eventCursor: e.seq, headAttempts: 0, headNextAt: null, headFailingSince: null })
      .where(unchanged)
      .run();
    return { outcome: moved.changes > 0 ? 'delivered' : 'lost', nextAt: null };
  }
  const failingSince = c.headFailingSince ?? now;
  if (now - failingSince >= GIVE_UP_AFTER_MS) {
    const pausedReason = `Paused at ${new Date(now).toISOString()}: deliveries failed for 24 hours; last error: ${a.error}`;
    const paused = tx
      .update(connectors)
      .set({ state: 'paused', pausedReason, headAttempts: attempt, headNextAt: null, updatedAt: now })
      .where(unchanged)
      .run();
    if (paused.changes > 0) {
      tx.insert(webhookDeliveries)
        .values({ ...row, outcome: 'given-up' })
        .run();
      writeAudit(tx, {
        at: now,
        actor: { id: null, name: 'Elevate' },
        action: 'Webhook endpoint paused',
        outcome: 'Failure',
        details: { connectorId: c.id, eventId: e.id, lastError: a.error, failingSince, attempts: attempt },
      });
      return { outcome: 'given-up', nextAt: null };
    }
    tx.insert(webhookDeliveries)
      .values({ ...row, outcome: 'failed' })
      .run();
    return { outcome: 'lost', nextAt: null };
  }
  const nextAt = now + backoffMs(attempt);
  tx.insert(webhookDeliveries)
    .values({ ...row, outcome: 'failed' })
    .run();
  const moved = tx
    .update(connectors)
    .set({ headAttempts: attempt, headFailingSince: failingSince, headNextAt: nextAt })
    .where(unchanged)
    .run();
  return { outcome: moved.changes > 0 ? 'failed' : 'lost', nextAt };
}

/**
 * Delivers what is due for one endpoint at `now`: heads in order until one fails, the
 * journal is exhausted or the batch cap is hit. `nextAt` says when to call again (null:
 * when the journal grows).
 */
export async function deliverDue(db: Db, connectorId: string, now: number, opts: DeliverOptions): Promise<DeliverResult> {
  const r: DeliverResult = { delivered: 0, failed: 0, paused: false, nextAt: null };
  const wallStart = performance.now();
  for (let i = 0; i < BATCH_MAX && performance.now() - wallStart < BATCH_WALL_MS; i++) {
    const c = loadWebhook(db, connectorId);
    if (c.state === 'paused') return { ...r, paused: true };
    if (c.headNextAt !== null && c.headNextAt > now) return { ...r, nextAt: c.headNextAt };
    const { url, events } = optionsOf(c);
    const head = nextHead(db, c, events);
    if (!head) return r;
    const a = await send(url, head, now, opts);
    const step = db.transaction((tx) => recordAttempt(tx, c, head, a, now), { behavior: 'immediate' });
    if (step.outcome === 'delivered') r.delivered++;
    else if (step.outcome === 'lost')
      return { ...r, nextAt: now }; // someone else moved the endpoint: look again
    else {
      r.failed++;
      return { ...r, paused: step.outcome === 'given-up', nextAt: step.nextAt };
    }
  }
  return { ...r, nextAt: now }; // cut short by the cap: more may be due
}

/** Takes a paused (or backing-off) endpoint back into service and retries its head now. */
export function resumeEndpoint(db: Db, connectorId: string, actor: WebhookActor, now: number): void {
  db.transaction(
    (tx) => {
      const c = loadWebhook(tx, connectorId);
      tx.update(connectors)
        .set({ state: 'active', pausedReason: null, headAttempts: 0, headNextAt: null, headFailingSince: null, updatedAt: now })
        .where(eq(connectors.id, c.id))
        .run();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Webhook endpoint resumed',
        details: { connectorId, wasPaused: c.state === 'paused', pausedReason: c.pausedReason },
      });
    },
    { behavior: 'immediate' },
  );
}

/**
 * Sends a delivery's event again now (same webhook-id, fresh signature) at an operator's
 * request. Ordered delivery is untouched: the cursor does not move, whatever the outcome.
 */
export async function redeliver(
  db: Db,
  connectorId: string,
  deliveryId: number,
  actor: WebhookActor,
  now: number,
  opts: DeliverOptions,
): Promise<WebhookDelivery> {
  const c = loadWebhook(db, connectorId);
  const d = db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId)).get();
  if (!d || d.connectorId !== c.id) throw new Error(`Delivery ${deliveryId} does not belong to webhook ${connectorId}.`);
  const e = db.select().from(connectorEvents).where(eq(connectorEvents.seq, d.eventSeq)).get();
  if (!e) throw new Error(`The event of delivery ${deliveryId} (${d.eventId}) is no longer in the journal.`);
  const a = await send(optionsOf(c).url, e, now, opts);
  return db.transaction(
    (tx) => {
      const w = webhookDeliveries;
      const before =
        tx.get<{ n: number }>(sql`SELECT count(*) AS n FROM ${w} WHERE ${w.connectorId} = ${c.id} AND ${w.eventSeq} = ${e.seq}`)?.n ?? 0;
      const row = tx
        .insert(w)
        .values({
          connectorId: c.id,
          eventSeq: e.seq,
          eventId: e.id,
          eventType: e.type,
          attempt: before + 1,
          at: now,
          statusCode: a.statusCode,
          error: a.error,
          durationMs: a.durationMs,
          outcome: a.ok ? 'delivered' : 'failed',
          redelivery: true,
          actorId: actor.id,
        })
        .returning()
        .get();
      writeAudit(tx, {
        at: now,
        actor: { id: actor.id, name: actor.displayName },
        action: 'Webhook redelivered',
        outcome: a.ok ? 'Success' : 'Failure',
        details: { connectorId, eventId: e.id, deliveryId: row.id, redeliveryOf: deliveryId, statusCode: a.statusCode, error: a.error },
      });
      return row;
    },
    { behavior: 'immediate' },
  );
}
