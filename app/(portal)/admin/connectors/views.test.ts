import { afterEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import * as s from '@/db/schema';
import { freshDb, TEST_KEY } from '@/tests/support/db';
import { recordEvent, type EventType } from '@/lib/connectors/events';
import { addPortalBinding, createPortalConnector } from '@/lib/connectors/store';
import { connectorDetail, connectorsOverview, deliveriesPage, COUNT_CAP, DELIVERIES_PAGE } from '@/lib/connectors/views';
import { decodeCursor } from '@/lib/portal/keyset';
import { testConnection } from '@/lib/connectors/test-connection';

const MIN = 60_000;
let t: ReturnType<typeof freshDb> | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

function setup() {
  t = freshDb();
  const { db, now } = t;
  const steve = { id: t.ids.steve, displayName: 'Steve Admin' };
  const scopeId = db.get<{ id: string }>(sql`SELECT id FROM resources WHERE name = 'finance-dev'`)!.id;
  const contributor = db.get<{ id: string }>(sql`SELECT id FROM role_definitions WHERE name = 'Contributor'`)!.id;
  createPortalConnector(
    db,
    steve,
    {
      id: 'finance-db',
      displayName: 'Finance DB',
      type: 'postgresql',
      options: { login: 'email-local-part', terminateSessions: true },
      secret: 'postgresql://x:y@127.0.0.1:1/postgres',
    },
    TEST_KEY,
    now,
  );
  const b1 = addPortalBinding(
    db,
    steve,
    'finance-db',
    { scopeId: scopeId.toUpperCase(), mode: 'report', roles: new Map([[contributor, 'finance_dev_writers']]) },
    now,
  );
  const b2 = addPortalBinding(
    db,
    steve,
    'finance-db',
    { scopeId, mode: 'enforce', roles: new Map([[contributor, 'finance_dev_readers']]) },
    now,
  );
  // what the reconciler would have written: grants in every state, drift, a failing run, a window end due
  const grant = (bindingId: string, login: string, state: 'granting' | 'granted' | 'revoking', lastError: string | null = null) =>
    db
      .insert(s.connectorGrants)
      .values({ bindingId, target: 'finance_dev_writers', login, userId: login === 'sam' ? t!.ids.sam : null, state, lastError })
      .run();
  for (const l of ['a', 'b', 'c']) grant(b1, l, 'granted');
  grant(b1, 'd', 'granting');
  grant(b1, 'e', 'revoking');
  grant(b1, 'sam', 'granting', 'PostgreSQL has no login role "sam" for this user');
  const drift = (bindingId: string, login: string, resolvedAt: number | null = null) =>
    db
      .insert(s.connectorDrift)
      .values({ bindingId, target: 'finance_dev_writers', login, firstSeen: now - 5 * MIN, lastSeen: now, resolvedAt })
      .run();
  drift(b1, 'mallory');
  drift(b1, 'trent');
  drift(b1, 'old', now - MIN);
  db.update(s.connectorBindings)
    .set({
      failures: 2,
      failingSince: now - 3 * MIN,
      lastError: 'connect ECONNREFUSED',
      nextAttemptAt: now + MIN,
      lastReconcileAt: now - MIN,
    })
    .where(eq(s.connectorBindings.id, b1))
    .run();
  db.update(s.connectorBindings)
    .set({ nextChangeAt: now - 1000, lastReconcileAt: now - 2 * MIN })
    .where(eq(s.connectorBindings.id, b2))
    .run();

  // the webhook starts at the journal's end: the seed's events are history it never receives
  createPortalConnector(
    db,
    steve,
    {
      id: 'siem',
      displayName: 'SIEM',
      type: 'webhook',
      options: { url: 'http://127.0.0.1:9/hook', events: ['activation.started'] },
      secret: 'whsec_x',
    },
    TEST_KEY,
    now,
  );
  const event = (i: number, type: EventType) =>
    recordEvent(db, {
      id: `${type}:${i}`,
      type,
      at: now + i,
      subject: {
        principal: null,
        role: null,
        scope: null,
        window: null,
        request: null,
        actor: { id: null, name: 'Elevate' },
        justification: null,
        reasons: [],
        details: {},
      },
    });
  for (let i = 0; i < 8; i++) event(i, i % 2 ? 'request.created' : 'activation.started');
  return { db, now, steve, b1, b2, scopeId };
}

describe('Admin › Connectors views', () => {
  it('gives one row per live connector with its bindings, pending work, failures and open drift', () => {
    const { db, now } = setup();
    createPortalConnector(
      db,
      { id: t!.ids.steve, displayName: 'Steve Admin' },
      { id: 'gone', displayName: 'Gone', type: 'webhook', options: { url: 'http://x', events: [] }, secret: 'whsec_x' },
      TEST_KEY,
      now,
    );
    db.update(s.connectors).set({ removedAt: now }).where(eq(s.connectors.id, 'gone')).run();
    const rows = connectorsOverview(db, now);
    expect(rows.map((r) => r.id)).toEqual(['finance-db', 'siem']);
    const [pg, hook] = rows;
    expect(pg).toMatchObject({
      type: 'postgresql',
      source: 'portal',
      readOnly: false,
      bindings: 2,
      lastReconcileAt: now - MIN,
      pending: { grants: 3, retrying: 1, due: 1, events: { n: 0, more: false } },
      failing: true,
      drift: 2,
      status: 'Failing',
    });
    // four of the eight events are subscribed; request.created is not
    expect(hook).toMatchObject({
      type: 'webhook',
      bindings: 0,
      lastReconcileAt: null,
      pending: { grants: 0, retrying: 0, due: 0, events: { n: 4, more: false } },
      failing: false,
      drift: 0,
      status: 'Healthy',
    });

    db.update(s.connectorBindings).set({ failures: 0, nextAttemptAt: null }).run();
    db.update(s.connectorGrants).set({ lastError: null }).run();
    db.update(s.connectors).set({ state: 'paused', pausedReason: 'failed for 24 hours' }).where(eq(s.connectors.id, 'siem')).run();
    db.insert(s.webhookDeliveries)
      .values({
        connectorId: 'siem',
        eventSeq: 1,
        eventId: 'e',
        eventType: 'activation.started',
        attempt: 1,
        at: now + 5,
        outcome: 'failed',
      })
      .run();
    const [pg2, hook2] = connectorsOverview(db, now);
    expect(pg2.status).toBe('Drift');
    expect(hook2).toMatchObject({ status: 'Paused', failing: true, pausedReason: 'failed for 24 hours', lastReconcileAt: now + 5 });
  });

  it('caps a webhook backlog instead of counting the journal to its end', () => {
    const { db, now } = setup();
    db.update(s.connectors)
      .set({ options: JSON.stringify({ url: 'http://x' }) })
      .where(eq(s.connectors.id, 'siem'))
      .run(); // no list: every type
    const insert = t!.sqlite.prepare("INSERT INTO connector_events (id, type, at, subject) VALUES (?, 'request.created', ?, '{}')");
    t!.sqlite.transaction(() => {
      for (let i = 0; i < COUNT_CAP + 10; i++) insert.run(`bulk:${i}`, now);
    })();
    expect(connectorsOverview(db, now).find((r) => r.id === 'siem')!.pending.events).toEqual({ n: COUNT_CAP, more: true });
    expect(connectorDetail(db, 'siem', now)!.webhook!.pendingEvents).toEqual({ n: COUNT_CAP, more: true });
  });

  it('details a connector: bindings with role names, failing grants and open drift; a webhook with its head', () => {
    const { db, now, b1, scopeId } = setup();
    const pg = connectorDetail(db, 'finance-db', now)!;
    expect(pg).toMatchObject({
      name: 'Finance DB',
      status: 'Failing',
      secretFrom: 'sealed in the database with the encryption key',
      postgres: { login: 'email-local-part', terminateSessions: true },
      webhook: null,
    });
    expect(JSON.stringify(pg)).not.toContain('postgresql://');
    const b = pg.bindings.find((x) => x.id === b1)!;
    expect(b).toMatchObject({
      scopeId,
      resourceName: 'finance-dev',
      mode: 'report',
      roles: [{ roleName: 'Contributor', target: 'finance_dev_writers' }],
      granted: 3,
      pendingGrants: 3,
      failures: 2,
      lastError: 'connect ECONNREFUSED',
      changeDue: false,
    });
    expect(b.armId).toMatch(/\/resourceGroups\/finance-dev$/);
    expect(b.failingGrants).toEqual({
      total: 1,
      rows: [
        { target: 'finance_dev_writers', login: 'sam', userName: 'Sam', lastError: 'PostgreSQL has no login role "sam" for this user' },
      ],
    });
    expect(b.drift.total).toBe(2);
    expect(b.drift.rows.map((d) => d.login).sort()).toEqual(['mallory', 'trent']);
    expect(pg.bindings.find((x) => x.id !== b1)!.changeDue).toBe(true);

    const hook = connectorDetail(db, 'siem', now)!;
    expect(hook.webhook).toMatchObject({
      url: 'http://127.0.0.1:9/hook',
      events: ['activation.started'],
      pendingEvents: { n: 4, more: false },
      headAttempts: 0,
    });
    expect(hook.webhook!.head).toMatchObject({ id: 'activation.started:0', type: 'activation.started' });
    expect(connectorDetail(db, 'nope', now)).toBeNull();
  });

  it('pages the delivery log newest first, 25 at a time, without overlap either way', () => {
    const { db, now } = setup();
    for (let i = 0; i < 60; i++) {
      db.insert(s.webhookDeliveries)
        .values({
          connectorId: 'siem',
          eventSeq: i,
          eventId: `e${i}`,
          eventType: 'activation.started',
          attempt: 1,
          at: now + i,
          statusCode: 200,
          durationMs: 3,
          outcome: 'delivered',
          redelivery: i === 59,
        })
        .run();
    }
    const key = (token: string | null) => decodeCursor(token, ['n']);
    const first = deliveriesPage(db, 'siem', {});
    expect(first.rows).toHaveLength(DELIVERIES_PAGE);
    expect(first.rows[0]).toMatchObject({ eventId: 'e59', redelivery: true, statusCode: 200 });
    expect(first.rows[1].redelivery).toBe(false);
    expect(first.prev).toBeNull();
    const second = deliveriesPage(db, 'siem', { after: key(first.next) });
    expect(second.rows.map((r) => r.eventId)).toEqual(Array.from({ length: 25 }, (_, i) => `e${34 - i}`));
    const third = deliveriesPage(db, 'siem', { after: key(second.next) });
    expect(third.rows).toHaveLength(10);
    expect(third.next).toBeNull();
    const back = deliveriesPage(db, 'siem', { before: key(third.prev) });
    expect(back.rows.map((r) => r.eventId)).toEqual(second.rows.map((r) => r.eventId));
    expect(deliveriesPage(db, 'finance-db', {}).rows).toEqual([]);
  });
});

describe('testConnection', () => {
  it('is for PIM administrators, says what is wrong in words, and is audited', async () => {
    const { db, now, steve } = setup();
    await expect(testConnection(db, { id: t!.ids.jen, displayName: 'Jen' }, 'siem', now)).rejects.toThrow('Only tenant PIM administrators');
    // the stored signing secret is not a valid one: said before the URL is looked at
    const bad = await testConnection(db, steve, 'siem', now, { allowPrivate: () => true });
    expect(bad).toMatchObject({ ok: false, missingTargets: [] });
    expect(bad.message).toMatch(/webhook secret/);
    db.update(s.connectors).set({ secretSealed: null, secretRef: 'env:SIEM_SECRET' }).where(eq(s.connectors.id, 'siem')).run();
    const env = { ...process.env, SIEM_SECRET: 'whsec_' + Buffer.alloc(24, 1).toString('base64') };
    const loopback = await testConnection(db, steve, 'siem', now, { env, allowPrivate: () => false });
    expect(loopback).toMatchObject({ ok: false });
    expect(loopback.message).toMatch(/127\.0\.0\.1 is loopback/);
    expect(await testConnection(db, steve, 'siem', now, { env, allowPrivate: () => true })).toMatchObject({ ok: true });
    const driver = {
      type: 'postgresql',
      test: async (targets: string[]) => ({ ok: false, message: 'connected as x', missingTargets: targets }),
      members: async () => new Map(),
      grant: async () => {},
      revoke: async () => ({ sessionsEnded: 0 }),
      close: async () => {},
    };
    const pg = await testConnection(db, steve, 'finance-db', now, { key: () => TEST_KEY, makeDriver: () => driver });
    expect(pg.missingTargets.sort()).toEqual(['finance_dev_readers', 'finance_dev_writers']);
    const audits = db.all<{ outcome: string; details: string }>(
      sql`SELECT outcome, details FROM audit_events WHERE action = 'Connector connection tested' ORDER BY seq`,
    );
    expect(audits.map((a) => a.outcome)).toEqual(['Failure', 'Failure', 'Success', 'Failure']);
    expect(JSON.parse(audits[3].details)).toMatchObject({ connectorId: 'finance-db', message: 'connected as x' });
  });
});
