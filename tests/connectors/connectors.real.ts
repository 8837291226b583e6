import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { openDatabase, type Db } from '@/db/client';
import { DEMO_USERS, seedDemoTenant } from '@/db/seed/demo';
import * as s from '@/db/schema';
import { ROLE_IDS } from '@/lib/policy';
import { submitActivation, type SubmittedRequest } from '@/lib/activation/submit';
import { submitSelfRequest } from '@/lib/activation/self';
import { codeAt, eligibilityOf, MIN, RG, user } from '@/lib/activation/test-support';
import { addFinanceDevDb, FINANCE_DEV_DB, FINANCE_DEV_DB_ARM } from '@/lib/connectors/test-support';
import { newWebhookSecret } from '@/lib/connectors/webhook/secret';
import { TEST_KEY } from '@/tests/support/db';
import { startPostgres, type PgHarness } from '@/tests/support/postgres';
import { startServer, type ConnectorsServer } from './server';

/**
 * The connectors, proven with real parts: the production server (scripts/serve.mjs on the
 * build) reconciling a real PostgreSQL cluster and delivering signed webhooks to a real
 * HTTP receiver. Activations are made by this process with the real services on the same
 * SQLite file, which is a supported path: the server follows the change log.
 *
 * The tests run in order on one server, one database and one cluster; each asserts what an
 * operator would notice, within the time bounds of the connectors issue (grant and revoke
 * within 1 s of the change, an end within 5 s of it, a missed end within 5 s of the start).
 */

// this process submits requests; mail belongs to the server
vi.mock('@/lib/notify/deliver', () => ({ scheduleDelivery: () => {} }));

const WRITERS = 'finance_dev_writers';
const READERS = 'finance_dev_readers';
const SEC = 1000;

let pgh: PgHarness | undefined;
let server: ConnectorsServer | undefined;
let receiver: http.Server | undefined;
let sqlite: Database.Database | undefined;
let db: Db;
let dir = '';
let connectorsFile = '';
let hookUrl = '';
let samPassword = '';
let samId = '';
let startCursor = 0;
const secret = newWebhookSecret();
const latencies: Record<string, number> = {};

/** The connectors file as an administrator keeps it in Git; the binding's mode varies per test. */
function writeConnectorsFile(mode: 'report' | 'enforce') {
  const file = {
    connectors: [
      {
        id: 'finance-db',
        type: 'postgresql',
        name: 'Finance dev database',
        connection: 'env:FINANCE_DB_URL',
        login: 'email-local-part',
        terminateSessions: true,
        bindings: [{ scope: FINANCE_DEV_DB_ARM, mode, roles: { Contributor: WRITERS, Reader: READERS } }],
      },
      { id: 'siem', type: 'webhook', name: 'SIEM', url: hookUrl, secret: 'env:SIEM_WEBHOOK_SECRET' },
    ],
  };
  fs.writeFileSync(connectorsFile, JSON.stringify(file, null, 2) + '\n');
}

// ── the webhook receiver: verifies every request, refuses the first two it accepts the signature of ──
interface Received {
  at: number;
  id: string;
  type: string;
  status: number;
  verified: boolean;
  error?: string;
  data: Record<string, unknown>;
}
const received: Received[] = [];
let refuseLeft = 2;

function receive(req: http.IncomingMessage, res: http.ServerResponse) {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const header = (name: string) => String(req.headers[name] ?? '');
    const headers = {
      'webhook-id': header('webhook-id'),
      'webhook-timestamp': header('webhook-timestamp'),
      'webhook-signature': header('webhook-signature'),
    };
    let verified = false;
    let error: string | undefined;
    let parsed: { type?: string; data?: Record<string, unknown> } = {};
    try {
      new Webhook(secret).verify(body, headers);
      verified = true;
      parsed = JSON.parse(body);
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
    }
    const status = !verified ? 400 : refuseLeft > 0 ? (refuseLeft--, 500) : 200;
    received.push({ at: Date.now(), id: headers['webhook-id'], type: parsed.type ?? '', status, verified, error, data: parsed.data ?? {} });
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
  });
}

// ── helpers ──
/** Polls `cond` every `every` ms; returns Date.now() at the first true, or throws after `timeout` ms. */
async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeout: number, every = 50): Promise<number> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await cond()) return Date.now();
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

const hasRole = (login: string, group: string) => pgh!.hasRole(login, group);
const lacksRole = async (login: string, group: string) => !(await pgh!.hasRole(login, group));
const audits = (action: string) =>
  db.select().from(s.auditEvents).where(eq(s.auditEvents.action, action)).orderBy(asc(s.auditEvents.seq)).all();
const auditDetails = (action: string) => audits(action).map((a) => JSON.parse(a.details) as Record<string, unknown>);

/**
 * This process runs five minutes behind the wall clock. An activation lasts at least five
 * minutes, so one that should end within seconds is submitted with a back-dated `now`:
 * made "five minutes ago" plus a few seconds, for five minutes, it ends a few seconds from
 * now. Every activation and deactivation here uses the same lagging clock, so they keep
 * their order (a deactivation at a real-time `now` would sit in the future of the later
 * back-dated activations and read as an overlapping one).
 */
const lagging = () => Date.now() - 5 * MIN;

function activate(now: number, minutes: number, scopeId: string): SubmittedRequest {
  const sam = user(db, samId);
  // The replay guard keeps the last TOTP step Sam used, and codes at lagging clocks a few
  // seconds apart share a step: each activation here stands for its own sign-in.
  db.update(s.users).set({ totpLastStep: null }).where(eq(s.users.id, samId)).run();
  const elig = eligibilityOf(db, samId, ROLE_IDS.contributor);
  const r = submitActivation(
    db,
    sam,
    { durationMinutes: minutes, justification: 'Connector proof', eligibilityId: elig.id, scopeIds: [scopeId], mfaCode: codeAt(now) },
    now,
  ).requests[0];
  expect(r.status).toBe('Provisioned');
  return r;
}

function serverLogTail(): string {
  return server ? server.logs().slice(-6000) : '(no server)';
}

beforeAll(async () => {
  pgh = await startPostgres();
  await pgh.createGroupRole(WRITERS);
  await pgh.createGroupRole(READERS);
  samPassword = await pgh.createLogin('sam');
  await pgh.createLogin('mallory');

  receiver = http.createServer(receive);
  await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/elevate`;

  // the database, prepared before the server first opens it: the demo tenant (TOTP secrets
  // sealed with TEST_KEY, which the server is given) and the finance-dev database resource
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'elevate-conn-'));
  const dbFile = path.join(dir, 'elevate.db');
  const opened = openDatabase(dbFile);
  sqlite = opened.sqlite;
  db = opened.db;
  // seeded an hour ago, so Sam's eligibility has started at the lagging clock used below
  seedDemoTenant(db, Date.now() - 60 * MIN, TEST_KEY);
  addFinanceDevDb(db, Date.now() - 60 * MIN);
  samId = db
    .select()
    .from(s.users)
    .where(sql`lower(${s.users.email}) = ${DEMO_USERS.sam.email}`)
    .get()!.id;

  connectorsFile = path.join(dir, 'connectors.json');
  writeConnectorsFile('report');
  server = await startServer({
    dir,
    dbFile,
    env: {
      ELEVATE_CONNECTORS_FILE: connectorsFile,
      FINANCE_DB_URL: pgh.connectorUrl,
      SIEM_WEBHOOK_SECRET: secret,
      ELEVATE_WEBHOOK_ALLOW_PRIVATE: '1',
      ELEVATE_ENCRYPTION_KEY: TEST_KEY.toString('base64'),
    },
  });
  // the endpoint receives what happens from its creation on: remember where that was
  startCursor = db.select().from(s.connectors).where(eq(s.connectors.id, 'siem')).get()!.eventCursor;
});

afterAll(async () => {
  console.log(`[connectors.real] latencies (ms): ${JSON.stringify(latencies)}`);
  await server?.stop().catch(() => {});
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await pgh?.stop().catch(() => {});
  sqlite?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

beforeEach(({ onTestFailed }) => {
  onTestFailed(() => console.log(`── server output (tail) ──\n${serverLogTail()}`));
});

describe('connectors against real PostgreSQL and a real webhook receiver', () => {
  let first: SubmittedRequest;
  const ended: Record<string, SubmittedRequest> = {};

  it('an activation grants the PostgreSQL role within 1 s; standing Reader access is there too', async () => {
    // the start-up full pass gives Sam's standing Reader assignment at finance-dev to the database below it
    await waitFor('sam in finance_dev_readers after start', () => hasRole('sam', READERS), 5 * SEC);
    expect(await hasRole('sam', WRITERS)).toBe(false);

    const t0 = Date.now();
    first = activate(lagging(), 30, RG('finance-dev'));
    const at = await waitFor('sam in finance_dev_writers', () => hasRole('sam', WRITERS), 5 * SEC);
    latencies.grantAfterActivation = at - t0;
    expect(at - t0).toBeLessThanOrEqual(1000);
    expect(await hasRole('sam', READERS)).toBe(true);
    // the grant is confirmed (and audited) in SQLite right after PostgreSQL's commit
    await waitFor('the grant audited', () => auditDetails('Connector granted').length >= 2, 2 * SEC);
    expect(auditDetails('Connector granted').map((d) => [d.target, d.login])).toEqual([
      [READERS, 'sam'],
      [WRITERS, 'sam'],
    ]);
  });

  it('deactivating revokes within 1 s and ends the open sessions of the login', async () => {
    const session = await pgh!.connectAs('sam', samPassword);
    let closed = false;
    session.on('end', () => (closed = true));
    // a session using the role: a REVOKE alone would leave it with the rights of finance_dev_writers
    await session.query(`SET ROLE ${WRITERS}`);

    const t0 = Date.now();
    submitSelfRequest(db, user(db, samId), { requestType: 'SelfDeactivate', targetScheduleId: first.scheduleId! }, lagging());
    const at = await waitFor('sam out of finance_dev_writers', () => lacksRole('sam', WRITERS), 5 * SEC);
    latencies.revokeAfterDeactivation = at - t0;
    expect(at - t0).toBeLessThanOrEqual(1000);

    await waitFor('the session of sam is terminated', () => closed, 2 * SEC);
    latencies.sessionEndedAfterDeactivation = Date.now() - t0;
    await expect(session.query('SELECT 1')).rejects.toThrow();
    const left = await pgh!.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'sam'`);
    expect(left.rows[0].n).toBe(0);
    expect(auditDetails('Connector revoked')).toEqual([
      expect.objectContaining({ target: WRITERS, login: 'sam', terminateSessions: true, sessionsEnded: 1 }),
    ]);
    // the standing Reader assignment is untouched
    expect(await hasRole('sam', READERS)).toBe(true);
  });

  it('an activation reaching its end is revoked within 5 s of the end', async () => {
    // at the database itself, so its window does not overlap the first activation at finance-dev
    const act = activate(lagging() + 4 * SEC, 5, FINANCE_DEV_DB);
    ended.clock = act;
    expect(act.endAt - Date.now()).toBeGreaterThan(2 * SEC);
    await waitFor('sam in finance_dev_writers', () => hasRole('sam', WRITERS), 2 * SEC);
    const at = await waitFor(
      'sam out of finance_dev_writers after the end',
      async () => Date.now() >= act.endAt && (await lacksRole('sam', WRITERS)),
      act.endAt - Date.now() + 10 * SEC,
    );
    latencies.revokeAfterEnd = at - act.endAt;
    expect(at - act.endAt).toBeLessThanOrEqual(5000);
    expect(await hasRole('sam', READERS)).toBe(true);
  });

  it('an end that passes while the server is down (SIGKILL) is revoked within 5 s of the restart', async () => {
    const act = activate(lagging() + 8 * SEC, 5, RG('finance-dev'));
    ended.crash = act;
    await waitFor('sam in finance_dev_writers', () => hasRole('sam', WRITERS), 2 * SEC);
    // let the webhook's first retry (5 s after the first refusal) happen before the crash, so the webhook test can time it
    await waitFor('two webhook deliveries', () => received.length >= 2, 10 * SEC);
    expect(Date.now()).toBeLessThan(act.endAt);

    await server!.kill();
    const pgStillGranted = await hasRole('sam', WRITERS);
    await new Promise((r) => setTimeout(r, Math.max(0, act.endAt - Date.now()) + 500));
    // nobody revoked it meanwhile: only Elevate could have
    expect(pgStillGranted).toBe(true);
    expect(await hasRole('sam', WRITERS)).toBe(true);

    await server!.restart();
    const at = await waitFor('sam out of finance_dev_writers after the restart', () => lacksRole('sam', WRITERS), 10 * SEC);
    latencies.revokeAfterRestartReady = Math.max(0, at - server!.readyAt);
    expect(at - server!.readyAt).toBeLessThanOrEqual(5000);
    expect(await hasRole('sam', READERS)).toBe(true);
  });

  it('a grant made by hand in PostgreSQL is reported, then revoked once the binding enforces', async () => {
    await pgh!.query(`GRANT ${WRITERS} TO mallory`);
    const found = () =>
      db
        .select()
        .from(s.connectorDrift)
        .where(and(eq(s.connectorDrift.login, 'mallory'), isNull(s.connectorDrift.resolvedAt)))
        .all();

    // a full reconcile reads the target's members: every start makes one (the periodic one is minutes away)
    await server!.restart();
    const at = await waitFor('open drift for mallory', () => found().length === 1, 10 * SEC);
    latencies.driftFoundAfterRestartReady = Math.max(0, at - server!.readyAt);
    expect(at - server!.readyAt).toBeLessThanOrEqual(5000);
    expect(found()[0]).toMatchObject({ target: WRITERS, login: 'mallory', resolution: null });
    expect(auditDetails('Access outside PIM found')).toEqual([
      expect.objectContaining({ target: WRITERS, login: 'mallory', mode: 'report' }),
    ]);
    const drift = db.select().from(s.connectorEvents).where(eq(s.connectorEvents.type, 'drift.detected')).all();
    expect(drift.map((e) => JSON.parse(e.subject).details)).toEqual([
      expect.objectContaining({ target: WRITERS, login: 'mallory', mode: 'report' }),
    ]);
    // report only: the grant stays
    expect(await hasRole('mallory', WRITERS)).toBe(true);

    writeConnectorsFile('enforce');
    await server!.restart();
    const gone = await waitFor('mallory out of finance_dev_writers', () => lacksRole('mallory', WRITERS), 10 * SEC);
    latencies.driftRevokedAfterRestartReady = Math.max(0, gone - server!.readyAt);
    expect(gone - server!.readyAt).toBeLessThanOrEqual(5000);
    await waitFor('the drift is recorded as revoked', () => auditDetails('Access outside PIM revoked').length === 1, 5 * SEC);
    expect(auditDetails('Access outside PIM revoked')).toEqual([expect.objectContaining({ target: WRITERS, login: 'mallory' })]);
    expect(found()).toEqual([]);
    expect(
      db
        .select()
        .from(s.connectorDrift)
        .where(eq(s.connectorDrift.login, 'mallory'))
        .all()
        .map((d) => d.resolution),
    ).toContain('revoked');
    // Sam's standing access survives the change of the binding's mode
    await new Promise((r) => setTimeout(r, 500));
    expect(await hasRole('sam', READERS)).toBe(true);
  });

  it('the webhook receives every event signed, retried after refusals, once per id, in journal order', async () => {
    const siem = () => db.select().from(s.connectors).where(eq(s.connectors.id, 'siem')).get()!;
    const journal = () =>
      db.select().from(s.connectorEvents).where(gt(s.connectorEvents.seq, startCursor)).orderBy(asc(s.connectorEvents.seq)).all();
    // everything recorded so far, delivered: the second refusal backs off ~30 s, which the tests above mostly covered
    await waitFor(
      'the endpoint delivered the whole journal',
      () => {
        const head = journal().at(-1)?.seq ?? startCursor;
        return siem().eventCursor >= head && siem().headAttempts === 0;
      },
      60 * SEC,
      200,
    );
    const events = journal();

    // every request carried a valid Standard Webhooks signature
    expect(received.length).toBeGreaterThan(events.length);
    expect(received.filter((r) => !r.verified)).toEqual([]);

    // the first two deliveries were refused; the same event came again ~5 s later, then until accepted
    const [r1, r2, r3] = received;
    expect([r1.status, r2.status, r3.status]).toEqual([500, 500, 200]);
    expect(new Set([r1.id, r2.id, r3.id]).size).toBe(1);
    expect(r1.id).toBe(events[0].id);
    latencies.webhookFirstRetry = r2.at - r1.at;
    latencies.webhookSecondRetry = r3.at - r2.at;
    // the backoff (5 s, then 30 s, ±20 %) counts from the start of the refused attempt, which
    // reached the receiver a little later: a few hundred ms of slack below, a tick (200 ms) and
    // some scheduling above. The second wait is not bounded here: the SIGKILL test above may
    // kill the server after the receiver answered and before the attempt was recorded, and
    // then the event is sent again at the restart — at least once, as promised.
    expect(r2.at - r1.at).toBeGreaterThanOrEqual(3500);
    expect(r2.at - r1.at).toBeLessThanOrEqual(6500);
    expect(r3.at).toBeGreaterThan(r2.at);

    // deduplicated by webhook-id: each journal event exactly once, in journal order
    const firstSeen: string[] = [];
    for (const r of received) if (!firstSeen.includes(r.id)) firstSeen.push(r.id);
    expect(firstSeen).toEqual(events.map((e) => e.id));
    const accepted = new Set(received.filter((r) => r.status === 200).map((r) => r.id));
    expect([...accepted].sort()).toEqual(events.map((e) => e.id).sort());
    // nothing is sent before everything ahead of it in the journal was accepted
    const seqOf = new Map(events.map((e) => [e.id, e.seq]));
    const done = new Set<string>();
    for (const r of received) {
      const ahead = events.filter((e) => e.seq < seqOf.get(r.id)!).map((e) => e.id);
      expect(
        ahead.filter((id) => !done.has(id)),
        `sent ${r.id} before earlier events were accepted`,
      ).toEqual([]);
      if (r.status === 200) done.add(r.id);
    }
    latencies.webhookDuplicateDeliveries = received.filter((r) => r.status === 200).length - accepted.size;

    // what the receiver learned: each activation started, then ended, and the drift
    const types = (id: string) => firstSeen.indexOf(id);
    for (const a of [first, ended.clock, ended.crash]) {
      expect(types(`activation.started:${a.scheduleId}`)).toBeGreaterThanOrEqual(0);
      expect(types(`activation.ended:${a.scheduleId}`)).toBeGreaterThan(types(`activation.started:${a.scheduleId}`));
    }
    const body = (id: string) => received.find((r) => r.id === id && r.status === 200)!;
    expect(body(`activation.ended:${first.scheduleId}`).data).toMatchObject({ reasons: ['Deactivated by the person who activated it.'] });
    expect(body(`activation.ended:${ended.clock.scheduleId}`).data).toMatchObject({ reasons: ['Reached the end of its window.'] });
    // ended while no server ran: reported at the next start
    expect(body(`activation.ended:${ended.crash.scheduleId}`).data).toMatchObject({
      reasons: ['Reached the end of its window.'],
      principal: { id: samId },
    });
    const drift = received.filter((r) => r.type === 'drift.detected' && r.status === 200);
    expect(drift.map((r) => r.data.details)).toContainEqual(expect.objectContaining({ target: WRITERS, login: 'mallory', mode: 'report' }));
    // the operator's view of the same: the refused attempts and the deliveries, per event
    const attempts = db
      .select()
      .from(s.webhookDeliveries)
      .where(eq(s.webhookDeliveries.eventId, r1.id))
      .orderBy(asc(s.webhookDeliveries.id))
      .all();
    expect(attempts[0]).toMatchObject({ attempt: 1, statusCode: 500, outcome: 'failed' });
    expect(attempts.at(-1)).toMatchObject({ statusCode: 200, outcome: 'delivered' });
    expect(attempts.slice(0, -1).every((d) => d.statusCode === 500 && d.outcome === 'failed')).toBe(true);
    expect(attempts.map((d) => d.attempt)).toEqual(attempts.map((_, i) => i + 1));
  });
});
