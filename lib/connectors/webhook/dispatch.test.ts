import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import * as s from '@/db/schema';
import { freshDb } from '@/tests/support/db';
import { recordEvent, type EventType, type EventSubject } from '@/lib/connectors/events';
import { backoffMs, deliverDue, GIVE_UP_AFTER_MS, redeliver, resumeEndpoint, type DeliverOptions } from './dispatch';
import { newWebhookSecret } from './secret';

const SEC = 1000;
const HOUR = 3600 * SEC;

interface Received {
  id: string;
  timestamp: number;
  body: string;
  verified: boolean;
  payload: any;
  headers: http.IncomingHttpHeaders;
  status: number;
}

/**
 * A receiver as a customer would write it: verifies with the standardwebhooks library
 * against its own clock (`clock`, the `now` the test delivers at, because the library
 * rejects timestamps more than 5 minutes off) and answers what `respond` says
 * (0: never answer).
 */
async function receiver(secret: string) {
  const wh = new Webhook(secret);
  const rx = {
    url: '',
    clock: 0,
    got: [] as Received[],
    respond: (_r: Received, _n: number): number => 200,
    location: undefined as string | undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const clock = vi.spyOn(Date, 'now').mockReturnValue(rx.clock);
      let verified = true;
      try {
        wh.verify(body, req.headers as Record<string, string>);
      } catch {
        verified = false;
      } finally {
        clock.mockRestore();
      }
      const r: Received = {
        id: String(req.headers['webhook-id']),
        timestamp: Number(req.headers['webhook-timestamp']),
        body,
        verified,
        payload: JSON.parse(body),
        headers: req.headers,
        status: 0,
      };
      rx.got.push(r);
      r.status = rx.respond(r, rx.got.length);
      if (r.status === 0) return; // hang
      res.writeHead(r.status, rx.location ? { location: rx.location } : {}).end('ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  rx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/elevate`;
  servers.push(server);
  return rx;
}

const servers: http.Server[] = [];
let env: ReturnType<typeof freshDb> | undefined;
afterEach(async () => {
  for (const sv of servers.splice(0)) {
    sv.closeAllConnections();
    await new Promise((ok) => sv.close(ok));
  }
  env?.close();
  env = undefined;
});

const subject = (n: number): EventSubject => ({
  principal: { type: 'User', id: `u${n}`, name: `Person ${n}` },
  role: { id: 'owner', name: 'Owner' },
  scope: { id: '/subscriptions/x/resourcegroups/finance', armId: '/subscriptions/x/resourceGroups/Finance' },
  window: { start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T11:00:00.000Z' },
  request: { id: `r${n}`, type: 'SelfActivate' },
  actor: { id: `u${n}`, name: `Person ${n}` },
  justification: 'Fix the ledger',
  reasons: [],
  details: { n },
});

async function setup(opts: { events?: EventType[]; allowPrivate?: boolean; timeoutMs?: number } = {}) {
  env = freshDb();
  const { db, now, ids } = env;
  const secret = newWebhookSecret();
  const rx = await receiver(secret);
  const addConnector = (id: string, url = rx.url) =>
    db
      .insert(s.connectors)
      .values({
        id,
        type: 'webhook',
        displayName: id,
        source: 'portal',
        eventCursor: 0,
        createdAt: now,
        updatedAt: now,
        options: JSON.stringify({ url, events: opts.events ?? ['activation.started', 'activation.ended', 'request.created'] }),
      })
      .run();
  addConnector('siem');
  const dopts: DeliverOptions = { secret, allowPrivate: opts.allowPrivate ?? true, timeoutMs: opts.timeoutMs };
  const record = (id: string, type: EventType, at = now) => {
    recordEvent(db, { id, type, at, subject: subject(Number(id.replace(/\D/g, '')) || 0) });
    return id;
  };
  /** one reconciler pass at time t, as the receiver's clock sees it */
  const deliver = (t: number, o: Partial<DeliverOptions> = {}) => {
    rx.clock = t;
    return deliverDue(db, 'siem', t, { ...dopts, ...o });
  };
  const endpoint = () => db.select().from(s.connectors).where(eq(s.connectors.id, 'siem')).get()!;
  const deliveries = (id = 'siem') =>
    db.select().from(s.webhookDeliveries).where(eq(s.webhookDeliveries.connectorId, id)).orderBy(asc(s.webhookDeliveries.id)).all();
  const audits = (action: string) => db.select().from(s.auditEvents).where(eq(s.auditEvents.action, action)).all();
  const steve = { id: ids.steve, displayName: 'Steve Admin' };
  return { db, now, secret, rx, dopts, record, deliver, endpoint, deliveries, audits, addConnector, steve };
}

describe('backoffMs', () => {
  it('waits 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, then every 2 h, with ±20 % jitter', () => {
    const mid = [1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffMs(n, () => 0.5));
    expect(mid).toEqual([5, 30, 120, 600, 1800, 3600, 7200, 7200].map((x) => x * SEC));
    expect(backoffMs(1, () => 0)).toBe(4 * SEC);
    expect(backoffMs(1, () => 0.999999)).toBeCloseTo(6 * SEC, -1);
    for (let i = 0; i < 50; i++) expect(backoffMs(7)).toBeGreaterThanOrEqual(1.6 * HOUR);
  });
});

describe('deliverDue', () => {
  it('signs every request so a Standard Webhooks receiver verifies it, with the event as the body', async () => {
    const { rx, record, deliver, endpoint, deliveries, now, db } = await setup();
    const ids = [
      record('activation.started:s1', 'activation.started', now - 60 * SEC),
      record('request.created:r2', 'request.created'),
      record('activation.ended:s1', 'activation.ended'),
    ];
    expect(await deliver(now)).toEqual({ delivered: 3, failed: 0, paused: false, nextAt: null });

    expect(rx.got.map((r) => r.id)).toEqual(ids);
    expect(rx.got.every((r) => r.verified)).toBe(true);
    const first = rx.got[0];
    expect(first.timestamp).toBe(Math.floor(now / 1000));
    expect(first.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'Elevate-Webhooks/1',
      'webhook-signature': expect.stringMatching(/^v1,/),
    });
    expect(first.payload).toEqual({
      type: 'activation.started',
      timestamp: new Date(now - 60 * SEC).toISOString(),
      data: { id: ids[0], ...subject(1) },
    });
    // a receiver with another secret rejects it
    expect(() => new Webhook(newWebhookSecret()).verify(first.body, first.headers as Record<string, string>)).toThrow();

    expect(deliveries().map((d) => [d.eventId, d.outcome, d.attempt, d.statusCode])).toEqual(ids.map((id) => [id, 'delivered', 1, 200]));
    const last = db.select().from(s.connectorEvents).where(eq(s.connectorEvents.id, ids[2])).get()!;
    expect(endpoint()).toMatchObject({ eventCursor: last.seq, headAttempts: 0, headNextAt: null, headFailingSince: null, state: 'active' });
    // nothing new: nothing sent
    expect(await deliver(now + SEC)).toEqual({ delivered: 0, failed: 0, paused: false, nextAt: null });
    expect(rx.got).toHaveLength(3);
  });

  it('retries a failing head after backoff, in journal order, each event id received once after dedupe', async () => {
    const { rx, record, deliver, endpoint, deliveries, now } = await setup();
    rx.respond = (_r, n) => (n <= 2 ? 500 : 200);
    const ids = [
      record('activation.started:s1', 'activation.started'),
      record('request.created:r2', 'request.created'),
      record('activation.ended:s1', 'activation.ended'),
    ];

    const r1 = await deliver(now);
    expect(r1).toMatchObject({ delivered: 0, failed: 1, paused: false });
    expect(r1.nextAt! - now).toBeGreaterThanOrEqual(4 * SEC);
    expect(r1.nextAt! - now).toBeLessThanOrEqual(6 * SEC);
    expect(endpoint()).toMatchObject({ headAttempts: 1, headNextAt: r1.nextAt, headFailingSince: now });
    // not due yet: the receiver hears nothing, and nothing behind the head jumps the queue
    expect(await deliver(r1.nextAt! - 1)).toEqual({ delivered: 0, failed: 0, paused: false, nextAt: r1.nextAt });
    expect(rx.got).toHaveLength(1);

    const r2 = await deliver(r1.nextAt!);
    expect(r2).toMatchObject({ failed: 1 });
    expect(r2.nextAt! - r1.nextAt!).toBeGreaterThanOrEqual(24 * SEC);
    expect(endpoint()).toMatchObject({ headAttempts: 2, headFailingSince: now });
    expect(await deliver(r2.nextAt!)).toEqual({ delivered: 3, failed: 0, paused: false, nextAt: null });

    expect(rx.got.every((r) => r.verified)).toBe(true);
    expect(rx.got.map((r) => r.id)).toEqual([ids[0], ids[0], ...ids]);
    const firstAccepted = [...new Set(rx.got.filter((r) => r.status === 200).map((r) => r.id))];
    expect(firstAccepted).toEqual(ids);
    expect(new Set(rx.got.map((r) => r.id)).size).toBe(3);
    expect(deliveries().map((d) => [d.eventId, d.attempt, d.outcome, d.statusCode, d.error])).toEqual([
      [ids[0], 1, 'failed', 500, 'HTTP 500'],
      [ids[0], 2, 'failed', 500, 'HTTP 500'],
      [ids[0], 3, 'delivered', 200, null],
      [ids[1], 1, 'delivered', 200, null],
      [ids[2], 1, 'delivered', 200, null],
    ]);
    expect(endpoint()).toMatchObject({ headAttempts: 0, headNextAt: null, headFailingSince: null });
  });

  it('never sends events of types the endpoint did not subscribe to, and moves past them', async () => {
    const { rx, record, deliver, endpoint, db, now } = await setup({ events: ['activation.started'] });
    record('request.created:r1', 'request.created');
    const wanted = record('activation.started:s2', 'activation.started');
    record('request.denied:r3', 'request.denied');
    record('activation.ended:s2', 'activation.ended');
    expect(await deliver(now)).toMatchObject({ delivered: 1, failed: 0 });
    // the demo tenant's own assignment.created events are not sent either
    expect(rx.got.map((r) => r.id)).toEqual([wanted]);
    const max = db.select().from(s.connectorEvents).orderBy(asc(s.connectorEvents.seq)).all().at(-1)!.seq;
    expect(endpoint().eventCursor).toBe(max);
  });

  it('pauses an endpoint whose head failed for 24 hours, audits it, and sends nothing until resumed', async () => {
    const { rx, record, deliver, endpoint, deliveries, audits, now, db, steve } = await setup();
    rx.respond = () => 503;
    const e1 = record('activation.started:s1', 'activation.started');
    let t = now;
    let r = await deliver(t);
    for (let i = 0; i < 40 && !r.paused; i++) {
      expect(r.failed).toBe(1);
      t = r.nextAt!;
      r = await deliver(t);
    }
    expect(r).toEqual({ delivered: 0, failed: 1, paused: true, nextAt: null });
    expect(t - now).toBeGreaterThanOrEqual(GIVE_UP_AFTER_MS);
    expect(t - now).toBeLessThan(GIVE_UP_AFTER_MS + 2.4 * HOUR);

    const rows = deliveries();
    expect(rows.at(-1)).toMatchObject({ eventId: e1, outcome: 'given-up', statusCode: 503, at: t });
    expect(rows.slice(0, -1).every((d) => d.outcome === 'failed')).toBe(true);
    expect(endpoint()).toMatchObject({ state: 'paused', headFailingSince: now });
    expect(endpoint().pausedReason).toBe(`Paused at ${new Date(t).toISOString()}: deliveries failed for 24 hours; last error: HTTP 503`);
    const [paused] = audits('Webhook endpoint paused');
    expect(paused).toMatchObject({ at: t, actorId: null, actorName: 'Elevate', outcome: 'Failure' });
    expect(JSON.parse(paused.details)).toMatchObject({ connectorId: 'siem', eventId: e1, lastError: 'HTTP 503' });

    // the receiver recovers, and more happens; a paused endpoint stays quiet
    rx.respond = () => 200;
    const e2 = record('activation.ended:s1', 'activation.ended', t + HOUR);
    const sent = rx.got.length;
    expect(await deliver(t + 2 * HOUR)).toEqual({ delivered: 0, failed: 0, paused: true, nextAt: null });
    expect(rx.got).toHaveLength(sent);

    resumeEndpoint(db, 'siem', steve, t + 3 * HOUR);
    expect(endpoint()).toMatchObject({ state: 'active', pausedReason: null, headAttempts: 0, headNextAt: null, headFailingSince: null });
    expect(audits('Webhook endpoint resumed')).toEqual([
      expect.objectContaining({ actorId: steve.id, actorName: 'Steve Admin', outcome: 'Success' }),
    ]);
    expect(await deliver(t + 3 * HOUR)).toMatchObject({ delivered: 2, paused: false });
    expect(rx.got.slice(sent).map((x) => [x.id, x.verified])).toEqual([
      [e1, true],
      [e2, true],
    ]);
  });

  it('refuses a private URL unless allowed, naming the address and the switch', async () => {
    const { rx, record, deliver, endpoint, deliveries, now, secret } = await setup({ allowPrivate: false });
    record('activation.started:s1', 'activation.started');
    const r = await deliver(now);
    expect(r).toMatchObject({ delivered: 0, failed: 1 });
    expect(rx.got).toHaveLength(0);
    const [d] = deliveries();
    expect(d).toMatchObject({ outcome: 'failed', statusCode: null, durationMs: null });
    expect(d.error).toContain('127.0.0.1');
    expect(d.error).toContain('ELEVATE_WEBHOOK_ALLOW_PRIVATE=1');
    expect(d.error).not.toContain(secret.slice(6));
    expect(endpoint()).toMatchObject({ headAttempts: 1, headNextAt: r.nextAt });
    // the operator sets the switch: the retry goes through
    expect(await deliver(r.nextAt!, { allowPrivate: true })).toMatchObject({ delivered: 1 });
    expect(rx.got).toHaveLength(1);
  });

  it('refuses a host whose DNS answer turns private between the URL check and the connection (rebinding)', async () => {
    const { rx, record, deliver, deliveries, now, db } = await setup({ allowPrivate: false });
    const url = new URL(rx.url);
    url.hostname = 'rebind.test';
    db.update(s.connectors)
      .set({ options: JSON.stringify({ url: String(url), events: ['activation.started'] }) })
      .where(eq(s.connectors.id, 'siem'))
      .run();
    const answers = [['93.184.215.14'], ['127.0.0.1']];
    const asked: string[] = [];
    const lookup = async (host: string) => {
      asked.push(host);
      return answers[Math.min(asked.length, answers.length) - 1];
    };
    record('activation.started:s1', 'activation.started');
    expect(await deliver(now, { lookup })).toMatchObject({ delivered: 0, failed: 1 });
    expect(asked).toEqual(['rebind.test', 'rebind.test']); // the check passed; the connection looked again
    expect(rx.got).toHaveLength(0);
    const [d] = deliveries();
    expect(d).toMatchObject({ outcome: 'failed', statusCode: null, durationMs: expect.any(Number) });
    expect(d.error).toMatch(/127\.0\.0\.1 \(of rebind\.test\) is loopback/);
  });

  it('still sends through an injected fetch', async () => {
    const { rx, record, deliver, deliveries, now } = await setup();
    const calls: Array<[string, RequestInit | undefined]> = [];
    const fake = (async (input: string | URL | Request, init?: RequestInit) => {
      calls.push([String(input), init]);
      return new Response(null, { status: 301, headers: { location: 'https://elsewhere.example/' } });
    }) as typeof fetch;
    record('activation.started:s1', 'activation.started');
    expect(await deliver(now, { fetch: fake })).toMatchObject({ failed: 1 });
    expect(rx.got).toHaveLength(0);
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe(rx.url);
    expect(calls[0][1]).toMatchObject({ method: 'POST', redirect: 'manual' });
    expect(deliveries()[0]).toMatchObject({
      statusCode: 301,
      error: 'HTTP 301: redirects are not followed (to https://elsewhere.example/)',
    });
  });

  it('counts a receiver that does not answer in time as a failure', async () => {
    const { rx, record, deliver, deliveries, now } = await setup({ timeoutMs: 300 });
    rx.respond = () => 0;
    record('activation.started:s1', 'activation.started');
    const started = performance.now();
    const r = await deliver(now);
    expect(performance.now() - started).toBeLessThan(5 * SEC);
    expect(r).toMatchObject({ delivered: 0, failed: 1, nextAt: expect.any(Number) });
    expect(rx.got).toHaveLength(1);
    expect(deliveries()[0]).toMatchObject({ outcome: 'failed', statusCode: null, error: 'Timed out after 300 ms' });
    expect(deliveries()[0].durationMs).toBeGreaterThanOrEqual(250);
  });

  it('does not follow redirects: a 3xx is a failure and the target is never called', async () => {
    const { rx, record, deliver, deliveries, now } = await setup();
    rx.respond = () => 302;
    rx.location = `${rx.url}/moved`;
    record('activation.started:s1', 'activation.started');
    expect(await deliver(now)).toMatchObject({ failed: 1 });
    expect(rx.got).toHaveLength(1);
    expect(deliveries()[0]).toMatchObject({ statusCode: 302, error: `HTTP 302: redirects are not followed (to ${rx.url}/moved)` });
  });

  it('records an unusable secret as a failed attempt without echoing it', async () => {
    const { rx, record, deliver, deliveries, now } = await setup();
    record('activation.started:s1', 'activation.started');
    const short = Buffer.from('sixteen bytes!!!').toString('base64');
    expect(await deliver(now, { secret: `whsec_${short}` })).toMatchObject({ failed: 1 });
    expect(rx.got).toHaveLength(0);
    expect(deliveries()[0].error).toBe('The webhook secret must decode to 24–64 bytes (it decodes to 16).');
    expect(deliveries()[0].error).not.toContain(short);
  });
});

describe('redeliver', () => {
  it('sends the same webhook-id again with a fresh signature, logs and audits it, and leaves the cursor alone', async () => {
    const { rx, record, deliver, endpoint, deliveries, audits, now, db, dopts, steve } = await setup();
    const e1 = record('activation.started:s1', 'activation.started');
    const e2 = record('activation.ended:s1', 'activation.ended');
    await deliver(now);
    const cursor = endpoint().eventCursor;
    const original = deliveries()[0];

    rx.clock = now + HOUR;
    const row = await redeliver(db, 'siem', original.id, steve, now + HOUR, dopts);
    expect(row).toMatchObject({
      eventId: e1,
      outcome: 'delivered',
      redelivery: true,
      actorId: steve.id,
      attempt: 2,
      at: now + HOUR,
      statusCode: 200,
    });
    expect(rx.got.map((r) => [r.id, r.timestamp, r.verified])).toEqual([
      [e1, Math.floor(now / 1000), true],
      [e2, Math.floor(now / 1000), true],
      [e1, Math.floor((now + HOUR) / 1000), true],
    ]);
    expect(rx.got[2].body).toBe(rx.got[0].body);
    expect(endpoint().eventCursor).toBe(cursor);
    const [audit] = audits('Webhook redelivered');
    expect(audit).toMatchObject({ actorId: steve.id, outcome: 'Success' });
    expect(JSON.parse(audit.details)).toMatchObject({ connectorId: 'siem', eventId: e1, deliveryId: row.id, redeliveryOf: original.id });

    // ordered delivery carries on where it was
    const e3 = record('request.created:r3', 'request.created');
    await deliver(now + 2 * HOUR);
    expect(rx.got.map((r) => r.id).slice(3)).toEqual([e3]);
  });

  it('refuses a delivery of another endpoint', async () => {
    const { record, deliver, deliveries, db, dopts, steve, now, addConnector, rx } = await setup();
    record('activation.started:s1', 'activation.started');
    await deliver(now);
    addConnector('other');
    await expect(redeliver(db, 'other', deliveries()[0].id, steve, now, dopts)).rejects.toThrow(
      `Delivery ${deliveries()[0].id} does not belong to webhook other.`,
    );
    await expect(redeliver(db, 'siem', 99999, steve, now, dopts)).rejects.toThrow(/does not belong/);
    expect(rx.got).toHaveLength(1);
    expect(db.select().from(s.webhookDeliveries).where(eq(s.webhookDeliveries.redelivery, true)).all()).toHaveLength(0);
  });
});
